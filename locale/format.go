package locale

import (
	"strconv"
	"strings"
	"time"
)

// Number writes n with its thousands grouped as the language does: 1200
// in English (as crmbot always wrote it), 1 200 in French (a narrow
// no-break space, which neither Slack nor a terminal breaks).
func (p *Printer) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	if p.lang != French {
		return s
	}
	return group(s, "\u202f")
}

func group(digits, sep string) string {
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Decimal writes f with digits decimals: 12.5 in English, 12,5 in French.
func (p *Printer) Decimal(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if p.lang != French {
		return s
	}
	whole, frac, ok := strings.Cut(s, ".")
	whole = group(whole, "\u202f")
	if !ok {
		return whole
	}
	return whole + "," + frac
}

// Percent writes a percentage (12.5 for 12.5 %) with digits decimals:
// 12.5% in English, 12,5 % in French (a no-break space before the sign).
func (p *Printer) Percent(pct float64, digits int) string {
	if p.lang == French {
		return p.Decimal(pct, digits) + "\u00a0%"
	}
	return p.Decimal(pct, digits) + "%"
}

// Date writes a calendar day: 2026-11-20 in English, 20/11/2026 in French.
func (p *Printer) Date(t time.Time) string {
	if p.lang == French {
		return t.Format("02/01/2006")
	}
	return t.Format("2006-01-02")
}

// DateTime writes a day and a time of day in t's location: 2026-11-20
// 09:30 CET in English, ven. 20 nov. 2026, 09:30 CET in French.
func (p *Printer) DateTime(t time.Time) string {
	if p.lang == French {
		return p.Day(t) + t.Format(" 2006, 15:04 MST")
	}
	return p.Date(t) + t.Format(" 15:04 MST")
}

var (
	frenchDays   = [...]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
	frenchMonths = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
)

// Day writes a short day: Mon 7 Dec in English, lun. 7 déc. in French.
func (p *Printer) Day(t time.Time) string {
	if p.lang == French {
		return frenchDays[t.Weekday()] + " " + strconv.Itoa(t.Day()) + " " + frenchMonths[t.Month()-1]
	}
	return t.Format("Mon 2 Jan")
}
