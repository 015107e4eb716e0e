// Package console is crmbot's local chat in the terminal: the same command
// language as Slack, typed at a prompt; and, after as <contact>, the
// customer's side of the questionnaires, played as that contact would in
// Telegram.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

// Console reads command lines and prints their replies.
type Console struct {
	Exec   *command.Executor
	Actor  command.Actor
	In     io.Reader
	Out    io.Writer
	Prompt bool // print a prompt and a greeting (on a terminal)
	// Printer writes the team's side in its language (English when nil);
	// the customer's side speaks the contact's, as in Telegram.
	Printer *locale.Printer

	// playing is the contact spoken as after as <contact>, nil otherwise;
	// buttons are the choices of the last keyboard shown to it.
	playing *domain.Contact
	buttons []survey.Button
}

// Run reads lines until end of input, "quit" or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	if c.Printer == nil {
		c.Printer = locale.For(locale.English)
	}
	ctx = locale.With(ctx, c.Printer)
	if c.Prompt {
		fmt.Fprintln(c.Out, c.Printer.T("crmbot console — you are %s. Type help for the commands, as <contact> to answer that contact's questionnaire as the customer would, quit to leave.", c.Actor.ID))
	}
	lines := make(chan string)
	errs := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.In)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errs <- sc.Err()
	}()
	for {
		if c.Prompt {
			if c.playing != nil {
				fmt.Fprintf(c.Out, "%s> ", c.playing.Ref())
			} else {
				fmt.Fprint(c.Out, "crm> ")
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-errs:
			if c.Prompt {
				fmt.Fprintln(c.Out)
			}
			return err
		case line := <-lines:
			if done := c.handle(ctx, line); done {
				return nil
			}
		}
	}
}

func (c *Console) handle(ctx context.Context, line string) (done bool) {
	line = strings.TrimSpace(line)
	lower := strings.ToLower(line)
	switch lower {
	case "":
		return false
	case "quit", "exit", "bye", "q", "quitter", "sortir":
		return true
	}
	if lower == "as" || lower == "comme" || (lower == "end" || lower == "fin") && c.playing != nil {
		c.leave()
		return false
	}
	for _, word := range []string{"as ", "comme "} {
		if strings.HasPrefix(lower, word) {
			c.as(ctx, strings.TrimSpace(line[len(word):]))
			return false
		}
	}
	if c.playing != nil {
		c.customer(ctx, line)
		return false
	}
	if lower == "help as" || lower == "aide comme" {
		fmt.Fprintln(c.Out, reply.Wrap(c.Printer.T(consoleHelp), reply.TerminalWidth))
		return false
	}
	r := c.Exec.Run(ctx, c.Actor, line)
	fmt.Fprintln(c.Out, r.TextWidth(reply.TerminalWidth))
	if r.OK && (lower == "help" || lower == "aide" || lower == "?") {
		fmt.Fprintln(c.Out, "\n"+reply.Wrap(c.Printer.T("In this console: %s", c.Printer.T(consoleHelp)), reply.TerminalWidth))
	}
	return false
}

// consoleHelp is what the console adds to the command language.
var consoleHelp = locale.Key("as <contact> speaks as that customer, to answer their questionnaire as they would in Telegram " +
	"(a choice's number or label, typed answers, /skip, /stop, /mydata, /forget, /help); end (or as alone) comes back " +
	"to the sales commands; quit leaves.")

// leave returns to the sales commands.
func (c *Console) leave() {
	if c.playing == nil {
		fmt.Fprintln(c.Out, reply.Wrap(c.Printer.T(consoleHelp), reply.TerminalWidth))
		return
	}
	fmt.Fprintln(c.Out, c.Printer.T("Back to the sales commands as %s (you were %s).", c.Actor.ID, c.playing.Ref()))
	c.playing, c.buttons = nil, nil
}

// as starts speaking as the contact ref names, and shows what awaits them.
func (c *Console) as(ctx context.Context, ref string) {
	p := c.Printer
	usage := p.T("Usage: as <contact>, then answer as the customer would (a button's number or label, text, /skip, /stop, /mydata, /forget, /help); end comes back.")
	if !c.Actor.Has(command.Sales) {
		fmt.Fprintf(c.Out, "%s\n%s\n", p.T("as needs the sales role, which you do not have."), usage)
		return
	}
	if c.Exec.Surveys == nil {
		fmt.Fprintf(c.Out, "%s\n%s\n", p.T("as: Telegram questionnaires are not set up in this crmbot process."), usage)
		return
	}
	ct, err := c.Exec.CRM.Resolve(ctx, ref)
	if err != nil {
		fmt.Fprintf(c.Out, "%s\n%s\n", c.message(err), usage)
		return
	}
	rep, err := c.Exec.Surveys.Resume(ctx, survey.Chat{ContactID: ct.ID})
	if err != nil {
		fmt.Fprintf(c.Out, "%s\n", c.message(err))
		return
	}
	c.playing, c.buttons = ct, nil
	fmt.Fprintln(c.Out, p.T("You are now %s %s, as in Telegram: type a choice's number or label, or text; end comes back to the sales commands.", ct.Ref(), ct.Name))
	c.show(rep)
}

// customer hands what the customer typed to the conversation: a tap when
// it names a button of the last keyboard (its label, else its number),
// else text.
func (c *Console) customer(ctx context.Context, line string) {
	chat := survey.Chat{ContactID: c.playing.ID}
	var rep survey.Reply
	var err error
	if data, ok := c.choice(line); ok {
		rep, err = c.Exec.Surveys.Tap(ctx, "", chat, 0, data)
	} else {
		rep, err = c.Exec.Surveys.Text(ctx, "", chat, line)
	}
	if err != nil {
		fmt.Fprintf(c.Out, "%s\n", c.message(err))
		return
	}
	c.show(rep)
}

// choice returns the callback data of the button line names: a label,
// ignoring case (so a rating's "4" is the button 4, not the fourth), else
// a choice number.
func (c *Console) choice(line string) (string, bool) {
	for _, b := range c.buttons {
		if strings.EqualFold(strings.TrimSpace(b.Text), line) || strings.EqualFold(strings.TrimPrefix(b.Text, "✓ "), line) {
			return b.Data, true
		}
	}
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(c.buttons) {
		return c.buttons[n-1].Data, true
	}
	return "", false
}

// show prints a reply of the conversation: the notice, then each message
// with its buttons as numbered choices, which the next line may name.
func (c *Console) show(rep survey.Reply) {
	if rep.Notice != "" {
		fmt.Fprintf(c.Out, "(%s)\n", rep.Notice)
	}
	var last []survey.Button
	keyboard := false
	for _, m := range rep.Messages {
		fmt.Fprintln(c.Out, m.Text)
		if len(m.Buttons) == 0 {
			continue
		}
		var flat []survey.Button
		for _, row := range m.Buttons {
			flat = append(flat, row...)
		}
		fmt.Fprintln(c.Out, choices(m.Buttons, flat))
		last, keyboard = flat, true
	}
	switch {
	case keyboard:
		c.buttons = last
	case len(rep.Messages) > 0:
		c.buttons = nil
	}
}

// choices writes a keyboard as numbered choices, one line a row: "[1] Yes,
// I agree  [2] No, thanks". Numbers answer themselves: "[0] [1] … [10]".
func choices(rows [][]survey.Button, flat []survey.Button) string {
	numeric := true
	for _, b := range flat {
		if _, err := strconv.Atoi(b.Text); err != nil {
			numeric = false
		}
	}
	var lines []string
	n := 0
	for _, row := range rows {
		var parts []string
		for _, b := range row {
			n++
			if numeric {
				parts = append(parts, "["+b.Text+"]")
			} else {
				parts = append(parts, fmt.Sprintf("[%d] %s", n, b.Text))
			}
		}
		lines = append(lines, strings.Join(parts, "  "))
	}
	return strings.Join(lines, "\n")
}

// message is what the console says of an error: a domain error's text,
// else that something went wrong.
func (c *Console) message(err error) string {
	if de := (*domain.Error)(nil); errors.As(err, &de) && de.Code != domain.Internal {
		return c.Printer.Msg(de)
	}
	if domain.ErrorCode(err) != domain.Internal {
		return err.Error()
	}
	return c.Printer.T("something went wrong, and nothing was changed: %s", err.Error())
}
