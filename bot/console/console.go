// Package console is crmbot's local chat in the terminal: the same command
// language as Slack, typed at a prompt.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/crmbot/crmbot/bot/command"
)

// Console reads command lines and prints their replies.
type Console struct {
	Exec   *command.Executor
	Actor  command.Actor
	In     io.Reader
	Out    io.Writer
	Prompt bool // print a prompt and a greeting (on a terminal)
}

// Run reads lines until end of input, "quit" or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	if c.Prompt {
		fmt.Fprintf(c.Out, "crmbot console — you are %s. Type help for the commands, quit to leave.\n", c.Actor.ID)
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
			fmt.Fprint(c.Out, "crm> ")
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
	switch strings.ToLower(line) {
	case "":
		return false
	case "quit", "exit", "bye", "q":
		return true
	}
	if rest, ok := strings.CutPrefix(line, "as "); ok || line == "as" {
		fmt.Fprintf(c.Out, "as %s: answering a customer's questionnaire from the console is not available yet: it comes with questionnaires.\n", strings.TrimSpace(rest))
		return false
	}
	r := c.Exec.Run(ctx, c.Actor, line)
	fmt.Fprintln(c.Out, r.Text())
	return false
}
