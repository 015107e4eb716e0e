package slackbot

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
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

// addForm is the modal that `add` alone opens; meta is where the result
// goes once submitted.
func addForm(meta string) slack.ModalViewRequest {
	blocks := make([]slack.Block, 0, len(domain.Fields))
	for _, f := range formFields() {
		in := slack.NewPlainTextInputBlockElement(nil, valueAction)
		in.MaxLength = maxText
		b := slack.NewInputBlock(fieldBlock+f.Name, plain(label(f.Name)), hint(f.Kind), in)
		b.Optional = f.Name != "name"
		blocks = append(blocks, b)
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: addCallback, PrivateMetadata: meta,
		Title: plain("New contact"), Submit: plain("Add"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// label turns a field name into a form label: birth_year → Birth year.
func label(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// hint says how to write a value of kind, as the command language reads it.
func hint(kind domain.FieldKind) *slack.TextBlockObject {
	h := map[domain.FieldKind]string{
		domain.MoneyFieldKind: "In euros: 1200, 1 200,50 €",
		domain.DateFieldKind:  "2026-11-20, 20/11/2026, today",
		domain.ListFieldKind:  "Separated by commas",
		domain.IntFieldKind:   "A whole number",
	}[kind]
	if h == "" {
		return nil
	}
	return plain(h)
}

// openAddForm opens the add form for the trigger of a slash command; if
// Slack refuses, the user is told to type the fields instead.
func (b *Bot) openAddForm(ctx context.Context, trigger, user string, to destination) {
	meta, err := json.Marshal(to)
	if err != nil {
		panic(err) // a destination is two strings: only a coding mistake fails
	}
	if _, err := b.api.OpenViewContext(ctx, trigger, addForm(string(meta))); err != nil {
		b.log.Warn("could not open the add form", "user", user, "err", err)
		b.answer(ctx, to, reply.Failure("add", string(domain.Unavailable),
			"Slack could not open the form for a new contact. Type the contact instead, as in add \"Jeanne Martin\" email=jeanne@martin.fr.",
			"add <name> [key=value…]"))
	}
}

// submitAddForm checks the submitted form: a bad value is shown on its
// field and the form stays open; otherwise `add` runs with the fields in
// the background, answering where the form was opened, and the form closes.
func (b *Bot) submitAddForm(ctx context.Context, ic slack.InteractionCallback, sum string) any {
	values := formValues(ic.View.State)
	if errs := b.checkForm(values); len(errs) > 0 {
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

// checkForm returns what is wrong with each field, by block id, as the
// contact's own checks say; the database is not asked, so that the form is
// answered at once.
func (b *Bot) checkForm(values map[string]string) map[string]string {
	errs := map[string]string{}
	name := values["name"]
	switch {
	case name == "":
		errs[fieldBlock+"name"] = "A contact needs a name."
	case strings.Contains(name, "="):
		errs[fieldBlock+"name"] = "A name cannot hold “=”."
	}
	c := &domain.Contact{Name: name, Stage: domain.Lead}
	for _, f := range formFields() {
		if v := values[f.Name]; v != "" && f.Name != "name" {
			if err := c.Set(f.Name, v, b.now()); err != nil {
				errs[fieldBlock+f.Name] = clip(err.Error(), maxButtonLabel*2)
			}
		}
	}
	return errs
}
