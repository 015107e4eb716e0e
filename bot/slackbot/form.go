package slackbot

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
	"github.com/slack-go/slack"
)

// addCallback is the callback_id of the add form; its inputs are the blocks
// "field_<name>" holding the action "value".
const (
	addCallback = "crm_add"
	fieldBlock  = "field_"
	valueAction = "value"
)

// formFields are the contact fields the add form asks for: every settable
// field but the stage, which is lead for a new contact.
func formFields() []domain.Field {
	var out []domain.Field
	for _, f := range domain.Fields {
		if f.Kind != domain.StageFieldKind {
			out = append(out, f)
		}
	}
	return out
}

// Slack's limits of a modal's title and of its buttons' texts.
const maxModalTitle, maxModalButton = 24, 24

// addForm is the modal that `add` alone opens, written by p; meta is where
// the result goes once submitted.
func addForm(p *locale.Printer, meta string) slack.ModalViewRequest {
	blocks := make([]slack.Block, 0, len(domain.Fields))
	for _, f := range formFields() {
		in := slack.NewPlainTextInputBlockElement(nil, valueAction)
		in.MaxLength = maxText
		b := slack.NewInputBlock(fieldBlock+f.Name, plain(p.T(label(f.Name))), hint(p, f.Kind), in)
		b.Optional = f.Name != "name"
		blocks = append(blocks, b)
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: addCallback, PrivateMetadata: meta,
		Title:  plain(clip(p.T("New contact"), maxModalTitle)),
		Submit: plain(clip(p.T("Add"), maxModalButton)), Close: plain(clip(p.T("Cancel"), maxModalButton)),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// label turns a field name into a form label, its English message id:
// birth_year → Birth year.
func label(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// The form's labels (label of each of formFields) are message ids, marked
// here for the catalogs; a test checks that every field has its French.
var _ = []string{
	locale.Key("Name"), locale.Key("Email"), locale.Key("Phone"), locale.Key("Company"), locale.Key("Role"),
	locale.Key("Sector"), locale.Key("Employees"), locale.Key("Capital"), locale.Key("City"), locale.Key("Country"),
	locale.Key("Language"), locale.Key("Timezone"), locale.Key("Gender"), locale.Key("Birth year"), locale.Key("Product"),
	locale.Key("Budget"), locale.Key("Project date"), locale.Key("Source"), locale.Key("Channel"), locale.Key("Interests"),
	locale.Key("Categories"), locale.Key("Preferred channel"), locale.Key("Frequency"), locale.Key("Tags"), locale.Key("Owner"),
}

// hints say how to write a value of each kind, as the command language
// reads it.
var hints = map[domain.FieldKind]string{
	domain.MoneyFieldKind: locale.Key("In euros: 1200, 1 200,50 €"),
	domain.DateFieldKind:  locale.Key("2026-11-20, 20/11/2026, today"),
	domain.ListFieldKind:  locale.Key("Separated by commas"),
	domain.IntFieldKind:   locale.Key("A whole number"),
}

// hint is the hint of kind, written by p; nil for none.
func hint(p *locale.Printer, kind domain.FieldKind) *slack.TextBlockObject {
	h := hints[kind]
	if h == "" {
		return nil
	}
	return plain(p.T(h))
}

// openAddForm opens the add form for the trigger of a slash command; if
// Slack refuses, the user is told to type the fields instead.
func (b *Bot) openAddForm(ctx context.Context, trigger, user string, to destination) {
	meta, err := json.Marshal(to)
	if err != nil {
		panic(err) // a destination is two strings: only a coding mistake fails
	}
	p := b.langs.printer(ctx, user)
	if _, err := b.api.OpenViewContext(ctx, trigger, addForm(p, string(meta))); err != nil {
		b.log.Warn("could not open the add form", "user", user, "err", err)
		r := reply.Failure("add", string(domain.Unavailable),
			p.T("Slack could not open the form for a new contact. Type the contact instead, as in add \"Jeanne Martin\" email=jeanne@martin.fr."),
			p.T("add <name> [key=value…]"))
		r.Lang = p.Lang()
		b.answer(ctx, to, r)
	}
}

// submitAddForm checks the submitted form: a bad value is shown on its
// field and the form stays open; otherwise `add` runs with the fields in
// the background, answering where the form was opened, and the form closes.
func (b *Bot) submitAddForm(ctx context.Context, ic slack.InteractionCallback, sum string) any {
	values := formValues(ic.View.State)
	if errs := b.checkForm(b.formPrinter(ctx, ic.User.ID), values); len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	words := []string{"add", values["name"]}
	for _, f := range formFields() {
		if v := values[f.Name]; v != "" && f.Name != "name" {
			words = append(words, f.Name+"="+v)
		}
	}
	to := destination{Channel: ic.User.ID} // the user's DM, unless the form says
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &to); err != nil {
		// Not a form of ours as it was opened: answer in the user's DM.
		b.log.Warn("the add form's metadata is unreadable: answering in a DM", "user", ic.User.ID, "err", err)
		to = destination{Channel: ic.User.ID}
	}
	b.submit(ctx, job{key: deliveryKey("view", ic.View.ID, sum), user: ic.User.ID, line: command.JoinWords(words), to: to})
	return nil
}

// formValues reads the form's inputs, trimmed, by field name.
func formValues(state *slack.ViewState) map[string]string {
	out := map[string]string{}
	if state == nil {
		return out
	}
	for block, actions := range state.Values {
		if name, ok := strings.CutPrefix(block, fieldBlock); ok {
			out[name] = strings.TrimSpace(actions[valueAction].Value)
		}
	}
	return out
}

// formLangWait bounds the wait for a member's Slack locale while a form's
// submission is being answered (Slack waits 3 seconds for the answer); the
// locale is almost always known already, from the form's opening.
const formLangWait = time.Second

// formPrinter returns the printer of user's language for the answer to a
// form's submission.
func (b *Bot) formPrinter(ctx context.Context, user string) *locale.Printer {
	ctx, cancel := context.WithTimeout(ctx, formLangWait)
	defer cancel()
	return b.langs.printer(ctx, user)
}

// checkForm returns what is wrong with each field, by block id, as the
// contact's own checks say, written by p; the database is not asked, so
// that the form is answered at once.
func (b *Bot) checkForm(p *locale.Printer, values map[string]string) map[string]string {
	errs := map[string]string{}
	name := values["name"]
	switch {
	case name == "":
		errs[fieldBlock+"name"] = p.T("A contact needs a name.")
	case strings.Contains(name, "="):
		errs[fieldBlock+"name"] = p.T("A name cannot hold “=”.")
	}
	c := &domain.Contact{Name: name, Stage: domain.Lead}
	for _, f := range formFields() {
		if v := values[f.Name]; v != "" && f.Name != "name" {
			if err := c.Set(f.Name, v, b.now()); err != nil {
				errs[fieldBlock+f.Name] = clip(errorText(p, err), maxButtonLabel*2)
			}
		}
	}
	return errs
}

// errorText writes err in p's language when it kept its message's format
// (a domain.Error), as it is otherwise (a wrapped one too: its wrapping
// says what failed).
func errorText(p *locale.Printer, err error) string {
	if m, ok := err.(locale.Formatted); ok {
		return p.Msg(m)
	}
	return err.Error()
}
