// Package command is crmbot's one command language: the parser and the
// executor shared by Slack, the console and crmbot exec. A command line
// becomes a reply.Reply, whatever the transport.
package command

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/dupes"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

// Executor runs command lines.
type Executor struct {
	CRM *crm.Service
	// Segments computes segmentations and keeps saved segments; without it
	// segments, segment and find segment= say they are not set up.
	Segments *segments.Service
	Now      func() time.Time
	Loc      *time.Location
	// Logger logs the failures a member is only told were logged; nil
	// logs them to slog.Default().
	Logger *slog.Logger
	// Digests serves the digest command; nil when this process has no
	// digest (the command then says so).
	Digests *digest.Service
	// Surveys runs invite, why, handled and survey, and the consent state
	// of the contact card; nil when Telegram questionnaires are not set up
	// (those commands then say so).
	Surveys *survey.Service
	// Dupes finds likely duplicates and Merger merges them; nil, dupes and
	// merge say they are not set up.
	Dupes  *dupes.Service
	Merger *dupes.Merger
	// Suppressions reads the suppression list for suppressed; nil, it
	// says it is not set up.
	Suppressions SuppressionList
	// Personas computes the buyer personas; nil, personas says it is not
	// set up.
	Personas *personas.Service
	// Nudges serves alerts and checkin; nil, they say they are not set
	// up.
	Nudges *nudge.Service
	// BotName returns the Telegram bot's username (getMe), which invite
	// links name; nil when Telegram is not configured.
	BotName func(ctx context.Context) (string, error)
	// Observe, when set, is told of each command run: its name ("unknown"
	// for a line that names none), its outcome ("ok" or the error's code)
	// and how long it took (for metrics).
	Observe func(command, outcome string, took time.Duration)
}

// spec describes one command of the language.
type spec struct {
	name     string
	aliases  []string
	usage    string
	summary  string
	examples []string
	soon     string
	run      func(e *Executor, ctx context.Context, a Actor, args []string) (*reply.Reply, error)
}

var specs []*spec

func init() {
	specs = []*spec{
		{name: "help", aliases: []string{"?"}, usage: locale.Key("help [command]"), summary: locale.Key("usage, with examples"), examples: []string{locale.Key("help"), locale.Key("help sale")}, run: (*Executor).help},
		{name: "add", aliases: []string{"new"}, usage: locale.Key("add <name> [key=value…]"), summary: locale.Key("new contact (stage lead); force at the end adds one with the name and company of another"), examples: []string{locale.Key(`add "Jeanne Martin" email=jeanne@martin.fr company="Fromagerie Martin" sector=agroalimentaire employees=12`), locale.Key(`add "Jeanne Martin" company="Fromagerie Martin" force`)}, run: (*Executor).add},
		{name: "edit", usage: locale.Key("edit <contact> key=value…"), summary: locale.Key("change fields (key= clears one)"), examples: []string{locale.Key("edit C42 city=Lyon budget=15000"), locale.Key("edit jeanne@martin.fr phone=")}, run: (*Executor).edit},
		{name: "show", usage: locale.Key("show <contact>"), summary: locale.Key("contact card"), examples: []string{locale.Key("show C42"), locale.Key("show Martin")}, run: (*Executor).show},
		{name: "find", aliases: []string{"list"}, usage: locale.Key("find [word…] [field=value…] [sort=field|-field] [limit=N] [page=N]"), summary: locale.Key("list contacts"), examples: []string{locale.Key("find stage=prospect sector=agroalimentaire score>=50"), locale.Key("find grade=A sort=-score"), locale.Key("find fit=A engagement>=50"), locale.Key("find Martin city=Lyon")}, run: (*Executor).find},
		{name: "move", usage: locale.Key("move <contact> <stage> [note]"), summary: locale.Key("pipeline move: lead, prospect, qualified, customer, lost"), examples: []string{locale.Key("move C42 prospect first call went well"), locale.Key("move Martin prospect-assuré")}, run: (*Executor).move},
		{name: "log", usage: locale.Key("log <contact> <kind> [note]"), summary: locale.Key("interaction: call, meeting, email, email-opened, click, form, download, request, visit"), examples: []string{locale.Key("log C42 call asked for a quote"), locale.Key("log Martin meeting")}, run: (*Executor).log},
		{name: "sale", usage: locale.Key("sale <contact> <amount> [date] [note]"), summary: locale.Key("order; makes the contact a customer"), examples: []string{locale.Key("sale C42 1200"), locale.Key("sale C42 1 200,50 € 20/11/2026 spring order"), locale.Key("sale Martin 350 yesterday")}, run: (*Executor).sale},
		{name: "score", usage: locale.Key("score <contact>"), summary: locale.Key("score breakdown, rule by rule"), examples: []string{locale.Key("score C42")}, run: (*Executor).score},
		{name: "top", usage: locale.Key("top [N] [field=value…]"), summary: locale.Key("highest scores"), examples: []string{locale.Key("top"), locale.Key("top 20 stage=prospect"), locale.Key("top sort=-engagement")}, run: (*Executor).top},
		{name: "pipeline", usage: locale.Key("pipeline"), summary: locale.Key("counts per stage, moves and conversion this week"), examples: []string{locale.Key("pipeline")}, run: (*Executor).pipeline},
		{name: "segments", usage: locale.Key(segmentsUsage), summary: locale.Key("current segmentation: RFM segment sizes and scores, ABC classes, Pareto share and the top customers' traits"), examples: []string{locale.Key("segments"), locale.Key("segments rfm"), locale.Key("segments pareto")}, run: (*Executor).segmentsReport},
		{name: "segment", usage: locale.Key(segmentUsage), summary: locale.Key(`saved segments; the filter is field=value words (sector=agro employees>=50) or one quoted expression of the scoring rules ('sector == "agro" && employees >= 50')`), examples: []string{locale.Key("segment save big-agro sector=agro employees>=50"), locale.Key(`segment save hot-agro 'sector == "agro" && forms_30d > 0'`), locale.Key("segment list"), locale.Key("segment delete big-agro"), locale.Key("find segment=big-agro")}, run: (*Executor).segment},
		{name: "why", usage: locale.Key(whyUsage), summary: locale.Key("whether a questionnaire may be sent now; if not, every rule that holds the contact back and the first date they may be asked"), examples: []string{locale.Key("why C42"), locale.Key("why Martin satisfaction")}, run: (*Executor).why},
		{name: "handled", usage: locale.Key(handledUsage), summary: locale.Key("mark a detractor's alert as handled, which lifts the pause on questionnaires"), examples: []string{locale.Key("handled C42 called back, new delivery on Monday")}, run: (*Executor).handled},
		{name: "invite", usage: locale.Key(inviteUsage), summary: locale.Key("a single-use Telegram link (30 days) to send to the customer"), examples: []string{locale.Key("invite C42")}, run: (*Executor).invite},
		{name: "survey", usage: locale.Key(surveyUsage), summary: locale.Key("questionnaires: their figures, sends through the throttle (to more than one contact: manager), results"), examples: []string{locale.Key("survey list"), locale.Key("survey send satisfaction to C42"), locale.Key("survey send satisfaction to segment:champions dry-run"), locale.Key("survey send preferences to stage=customer city=Lyon"), locale.Key("survey results satisfaction")}, run: (*Executor).surveyCmd},
		{name: "forget", usage: locale.Key(forgetUsage), summary: locale.Key("erase a contact's personal data at their request, as their /forget does (admins; asks to confirm first)"), examples: []string{locale.Key("forget C42"), locale.Key("forget C42 confirm")}, run: (*Executor).forget},
		{name: "dupes", aliases: []string{"duplicates"}, usage: locale.Key(dupesUsage), summary: locale.Key("likely duplicate contacts, the surest first: same email once its +tag is dropped, same name and company, names a typo apart at one company"), examples: []string{locale.Key("dupes"), locale.Key("dupes 50")}, run: (*Executor).dupes},
		{name: "merge", usage: locale.Key(mergeUsage), summary: locale.Key("fold a duplicate into the contact kept: its records, the fields the kept one lacks, the stricter consent; recorded (manager)"), examples: []string{locale.Key("merge C513 into C501")}, run: (*Executor).merge},
		{name: "suppressed", usage: locale.Key(suppressedUsage), summary: locale.Key("contacts on the suppression list (their email, phone or Telegram account opted out or was erased under another contact), and the list's counts"), examples: []string{locale.Key("suppressed"), locale.Key("suppressed erased")}, run: (*Executor).suppressed},
		{name: "personas", usage: locale.Key(personasUsage), summary: locale.Key("three to five buyer personas derived from the customers, each with its size, revenue share, defining traits and buying figures"), examples: []string{locale.Key("personas")}, run: (*Executor).personas},
		{name: "persona", usage: locale.Key(personaUsage), summary: locale.Key("name a persona of the last run and pin it: the next runs of personas give its number and name to the persona nearest to it (manager)"), examples: []string{locale.Key(`persona name 2 "Artisans BTP"`), locale.Key("persona unpin 2")}, run: (*Executor).persona},
		{name: "alerts", usage: locale.Key(alertsUsage), summary: locale.Key("your hot-lead alerts of the week (all: everyone's); snooze a contact for some days, or mute it for good"), examples: []string{locale.Key("alerts"), locale.Key("alerts snooze C42 14"), locale.Key("alerts mute C42")}, run: (*Executor).alerts},
		{name: "checkin", usage: locale.Key(checkinUsage), summary: locale.Key("your weekly check-in (or an owner's): hot leads, rotting deals, prospects quiet for 30 days, each with buttons"), examples: []string{locale.Key("checkin"), locale.Key("checkin U0SALES1")}, run: (*Executor).checkin},
		{name: "digest", usage: locale.Key("digest [preview|post]"), summary: locale.Key("this week's digest"), examples: []string{locale.Key("digest"), locale.Key("digest post")}, run: (*Executor).digest},
	}
}

// lookup finds a command by its name, an English alias or a word of
// domain.French.
func lookup(name string) *spec {
	n := strings.ToLower(name)
	if fr := domain.FrenchCommand(n); fr != "" {
		n = fr
	}
	for _, s := range specs {
		if s.name == n || slices.Contains(s.aliases, n) {
			return s
		}
	}
	return nil
}

// CommandName returns the name of the command word names (an alias or the
// name itself, in any case), or "" when it names none.
func CommandName(word string) string {
	if s := lookup(word); s != nil {
		return s.name
	}
	return ""
}

// frenchWords lists the French words of command name, sorted.
func frenchWords(name string) []string {
	var words []string
	for w, n := range domain.French.Commands {
		if n == name {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	return words
}

// commandNames lists every command's name and aliases, for suggestions.
func commandNames() []string {
	var names []string
	for _, s := range specs {
		names = append(append(names, s.name), s.aliases...)
	}
	return append(names, slices.Sorted(maps.Keys(domain.French.Commands))...)
}

// Run parses and runs one command line for actor. It never panics on any
// input and always returns a reply; a failed command changes nothing. The
// reply is written in the language of the printer ctx carries (see
// locale.With), English when none.
func (e *Executor) Run(ctx context.Context, actor Actor, line string) *reply.Reply {
	start := time.Now()
	r := e.run(ctx, actor, line)
	r.Lang = locale.From(ctx).Lang()
	if e.Observe != nil {
		name, outcome := r.Command, "ok"
		if lookup(name) == nil {
			name = "unknown" // the user's word: not a label
		}
		if r.Error != nil {
			outcome = r.Error.Code
		}
		e.Observe(name, outcome, time.Since(start))
	}
	return r
}

func (e *Executor) run(ctx context.Context, actor Actor, line string) *reply.Reply {
	p := locale.From(ctx)
	words, err := Split(line)
	if err != nil {
		// Name the command and its usage when the first word is one.
		if f := strings.Fields(line); len(f) > 0 {
			if s := lookup(f[0]); s != nil {
				return e.failure(p, s.name, err, s.usage)
			}
		}
		return e.failure(p, "", err, "")
	}
	if len(words) == 0 {
		words = []string{"help"}
	}
	s := lookup(words[0])
	if s == nil {
		return reply.Failure(words[0], string(domain.Invalid),
			p.T("unknown command %s.%s Type help to see the commands.", quote(words[0]), domain.DidYouMean(words[0], commandNames())), p.T("help [command]"))
	}
	// The role comes first: a member is told what they may not do before
	// being told that it is not there yet.
	if err := actor.May(s.name, words[1:]); err != nil {
		return e.failure(p, s.name, err, s.usage)
	}
	if s.run == nil {
		return reply.Failure(s.name, string(domain.Unavailable),
			p.T("%s is not available yet in this version of crmbot: it comes with %s. Type help for what works now.", s.name, p.T(s.soon)), p.T(s.usage))
	}
	r, err := s.run(e, ctx, actor, words[1:])
	if err != nil {
		return e.failure(p, s.name, err, s.usage)
	}
	// A handler may return a failure it drew itself, with its actions
	// (add's "Add anyway").
	r.OK, r.Command = r.Error == nil, s.name
	return r
}

// failure is the one place a command's error becomes the message its
// member reads, in p's language.
func (e *Executor) failure(p *locale.Printer, command string, err error, usage string) *reply.Reply {
	var de *domain.Error
	if errors.As(err, &de) {
		if de.Usage != "" {
			usage = de.Usage
		}
		return reply.Failure(command, string(de.Code), p.Msg(de), p.T(usage))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return reply.Failure(command, string(domain.Unavailable), p.T("the command was cancelled or took too long; nothing was changed. Try again."), p.T(usage))
	}
	e.logger().Error("command failed", "command", command, "err", err)
	return reply.Failure(command, string(domain.Internal), p.T("something went wrong on our side and nothing was changed; the error is logged. Try again, and tell your admin if it persists."), p.T(usage))
}

func quote(s string) string { return "“" + s + "”" }

func usageError(s string, format string, args ...any) error {
	return domain.Errorf(domain.Invalid, format, args...).WithUsage(s)
}

// withUsage returns err, with its code and message, carrying usage: the
// usage of the subcommand that failed rather than the command's.
func withUsage(err error, usage string) error {
	if de := (*domain.Error)(nil); errors.As(err, &de) {
		return de.WithUsage(usage)
	}
	return domain.Errorf(domain.ErrorCode(err), "%s", err.Error()).WithUsage(usage)
}

func (e *Executor) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.Default()
	}
	return e.Logger
}

func (e *Executor) now() time.Time { return e.Now().In(e.Loc) }
