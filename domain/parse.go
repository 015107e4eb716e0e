package domain

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ParseAmount reads an amount of money and returns it in cents. It accepts
// "1200", "1200.50", "1 200,50 €", "1,200.50", "€1200" and "1.200,50 EUR":
// the last of "," or "." followed by one or two digits is the decimal mark,
// any other "," "." or space groups thousands.
func ParseAmount(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, Errorf(Invalid, "%q is not an amount: write it like 1200, 1200.50 or 1 200,50 €", s)
	}
	t := strings.TrimSpace(s)
	for _, cur := range []string{"€", "euros", "euro", "eur"} {
		t = strings.TrimSpace(trimFold(t, cur))
	}
	if t == "" {
		return bad()
	}
	neg := strings.HasPrefix(t, "-")
	if neg {
		return 0, Errorf(Invalid, "%q is negative: amounts are positive (record a refund as a note)", s)
	}
	var digits strings.Builder
	frac := ""
	mark := strings.LastIndexAny(t, ",.")
	if mark >= 0 && len(t)-mark-1 >= 1 && len(t)-mark-1 <= 2 && allDigits(t[mark+1:]) {
		frac = t[mark+1:]
		t = t[:mark]
	}
	// Thousands come in groups of three digits after the first one, so that
	// "1.2.3" or an amount run together with a date is refused, not misread.
	groups := strings.FieldsFunc(t, func(r rune) bool {
		return r == ',' || r == '.' || r == '\'' || unicode.IsSpace(r)
	})
	for i, g := range groups {
		if !allDigits(g) || len(groups) > 1 && (i == 0 && len(g) > 3 || i > 0 && len(g) != 3) {
			return bad()
		}
		digits.WriteString(g)
	}
	if digits.Len() == 0 || digits.Len() > 13 {
		return bad()
	}
	units, err := strconv.ParseInt(digits.String(), 10, 64)
	if err != nil {
		return bad()
	}
	cents := units * 100
	if frac != "" {
		f, _ := strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
		cents += int64(f)
	}
	return cents, nil
}

// trimFold removes affix from both ends of s, ignoring case.
func trimFold(s, affix string) string {
	if len(s) >= len(affix) && strings.EqualFold(s[:len(affix)], affix) {
		s = s[len(affix):]
	}
	if len(s) >= len(affix) && strings.EqualFold(s[len(s)-len(affix):], affix) {
		s = s[:len(s)-len(affix)]
	}
	return s
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// LooksLikeAmountPart reports whether a word can be part of an amount typed
// with spaces, such as the three words of "1 200,50 €".
func LooksLikeAmountPart(w string) bool {
	if w == "€" || strings.EqualFold(w, "eur") || strings.EqualFold(w, "euros") {
		return true
	}
	w = strings.TrimSuffix(strings.TrimPrefix(w, "€"), "€")
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r == ',' || r == '.') {
			return false
		}
	}
	return true
}

// Count writes n and a noun, in the plural unless n is 1: "1 contact",
// "0 contacts", "12 contacts". Nouns whose plural is not noun+"s" give it
// after a slash: Count(n, "class/classes").
func Count(n int, noun string) string {
	one, many, irregular := strings.Cut(noun, "/")
	if !irregular {
		many = one + "s"
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// FormatAmount writes cents the French way: "1 200,50 €".
func FormatAmount(cents int64) string {
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	if c := cents % 100; c != 0 {
		fmt.Fprintf(&b, ",%02d", c)
	}
	b.WriteString(" €")
	return b.String()
}

// ParseDate reads a calendar day: 2026-11-20, 20/11/2026, today, yesterday
// (or aujourd'hui, hier), relative to now's location. It returns midnight UTC
// of that day, the form days are stored in.
func ParseDate(s string, now time.Time) (time.Time, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	y, m, d := now.Date()
	switch t {
	case "today", "aujourd'hui", "aujourdhui":
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	case "yesterday", "hier":
		return time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC), nil
	case "tomorrow", "demain":
		return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC), nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02.01.2006"} {
		if day, err := time.Parse(layout, t); err == nil {
			if day.Year() < 1900 || day.Year() > 2200 {
				break
			}
			return day, nil
		}
	}
	return time.Time{}, Errorf(Invalid, "%q is not a date: write it like 2026-11-20, 20/11/2026, today or yesterday", s)
}

// LooksLikeDate reports whether ParseDate would accept s.
func LooksLikeDate(s string) bool {
	_, err := ParseDate(s, time.Now())
	return err == nil
}

// FormatDate writes a day as 2026-11-20.
func FormatDate(t time.Time) string { return t.Format("2006-01-02") }

// NormalizeEmail checks an email address and returns it in lower case.
func NormalizeEmail(s string) (string, error) {
	t := strings.TrimSpace(s)
	a, err := mail.ParseAddress(t)
	if err != nil || a.Address != t || !strings.Contains(t[strings.LastIndex(t, "@")+1:], ".") {
		return "", Errorf(Invalid, "%q is not an email address: write it like jeanne@example.fr", s)
	}
	return strings.ToLower(t), nil
}

// NormalizePhone checks a phone number and returns it in international form,
// +33612345678. A ten-digit number starting with 0 is taken as French.
func NormalizePhone(s string) (string, error) {
	var digits strings.Builder
	plus := false
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "+") || strings.HasPrefix(t, "00") {
		// "+33 (0)6 12 34 56 78": the bracketed trunk 0 is not dialled
		// with the country code.
		t = strings.Replace(t, "(0)", "", 1)
	}
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return "", badPhone(s)
		}
	}
	d := digits.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case len(d) == 10 && d[0] == '0':
		d = "33" + d[1:]
	default:
		return "", badPhone(s)
	}
	if len(d) < 8 || len(d) > 15 {
		return "", badPhone(s)
	}
	return "+" + d, nil
}

func badPhone(s string) error {
	return Errorf(Invalid, "%q is not a phone number: write it like 06 12 34 56 78 or +33 6 12 34 56 78", s)
}

// ParseContactID reads "C42", "c42" or "42". ok is false for anything else.
func ParseContactID(s string) (id int64, ok bool) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "C"), "c")
	if !allDigits(t) || len(t) > 18 {
		return 0, false
	}
	id, err := strconv.ParseInt(t, 10, 64)
	return id, err == nil && id > 0
}
