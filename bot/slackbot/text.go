package slackbot

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	// leadingMentions are the mentions of the bot that start a message
	// ("@crmbot show C42" arrives as "<@U0BOT> show C42").
	leadingMentions = regexp.MustCompile(`^\s*(<@[A-Z0-9]+(\|[^>]*)?>\s*)+`)
	// markup is Slack's markup in message text: <@U123>, <#C123|name>,
	// <mailto:a@b.fr|a@b.fr>, <https://…|label>, <!here>.
	markup = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)
	// entities are the three characters Slack escapes in text.
	entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	// escaper escapes them back for mrkdwn.
	escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
)

// stripMention removes the mentions of the bot that start a message.
func stripMention(text string) string {
	return leadingMentions.ReplaceAllString(text, "")
}

// commandLine turns the text Slack sends into the command line the user
// typed: an email or link Slack made into markup becomes what was typed, a
// user mention its user id (as authors and owners are recorded), and
// &lt; &gt; &amp; their characters.
func commandLine(text string) string {
	text = markup.ReplaceAllStringFunc(text, func(m string) string {
		parts := markup.FindStringSubmatch(m)
		target, label := parts[1], parts[2]
		switch {
		case strings.HasPrefix(target, "@"):
			return target[1:]
		case label != "":
			return label
		}
		for _, scheme := range []string{"mailto:", "tel:"} {
			target = strings.TrimPrefix(target, scheme)
		}
		return target
	})
	return strings.TrimSpace(entities.Replace(text))
}

// mrkdwn escapes s for mrkdwn text, where &, < and > are markup, in at
// most n characters: an escape is never cut in half.
func mrkdwn(s string, n int) string {
	out := escaper.Replace(s)
	if utf8.RuneCountInString(out) <= n {
		return out
	}
	var b strings.Builder
	size := 0
	for _, r := range s {
		e := escaper.Replace(string(r))
		if size+utf8.RuneCountInString(e) > n-1 {
			break
		}
		b.WriteString(e)
		size += utf8.RuneCountInString(e)
	}
	return b.String() + "…"
}

// clip cuts s to at most n characters, ending with … when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
