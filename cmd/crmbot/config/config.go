// Package config reads crmbot's YAML configuration file: scoring rules and
// grades, segmentation settings, the throttle policy, questionnaires, the
// digest schedule and roles. What the file leaves out keeps its built-in
// default; a section given replaces that section's defaults.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
	"go.yaml.in/yaml/v3"
)

// Pipeline is the pipeline's settings: after how many days without an
// interaction a contact at a stage is rotting ({prospect: 14}).
type Pipeline struct {
	RotDays map[string]int `yaml:"rot_days"`
}

// File is the configuration file as written.
type File struct {
	Scoring        *Scoring        `yaml:"scoring"`
	RFM            *RFM            `yaml:"rfm"`
	ABC            *ABC            `yaml:"abc"`
	Throttle       *Throttle       `yaml:"throttle"`
	Questionnaires []Questionnaire `yaml:"questionnaires"`
	Digest         *Digest         `yaml:"digest"`
	Roles          *Roles          `yaml:"roles"`
	Pipeline       *Pipeline       `yaml:"pipeline"`
	Alerts         *Alerts         `yaml:"alerts"`
	Checkin        *Checkin        `yaml:"checkin"`
}

// Scoring is the scoring section.
type Scoring struct {
	Grades *GradeThresholds `yaml:"grades"`
	// FitGrades grade the fit points (the fit rules' sum) A–D.
	FitGrades *GradeThresholds `yaml:"fit_grades"`
	// Decay makes behavioural points fade: {half_life_days: 30}.
	Decay *struct {
		HalfLifeDays int `yaml:"half_life_days"`
	} `yaml:"decay"`
	Rules []struct {
		Name   string `yaml:"name"`
		When   string `yaml:"when"`
		Points int    `yaml:"points"`
		// Axis is fit or engagement; left out, it is read from when.
		Axis string `yaml:"axis"`
		// Decay is none for points that never fade.
		Decay string `yaml:"decay"`
	} `yaml:"rules"`
}

// GradeThresholds are the lowest points of grades A, B and C.
type GradeThresholds struct {
	A int `yaml:"A"`
	B int `yaml:"B"`
	C int `yaml:"C"`
}

// RFM is the rfm section.
type RFM struct {
	WindowDays int `yaml:"window_days"`
}

// ABC is the abc section: cumulative revenue shares in %.
type ABC struct {
	A float64 `yaml:"a"`
	B float64 `yaml:"b"`
}

// Throttle is the throttle section.
type Throttle struct {
	RecontactDays                *int `yaml:"recontact_days"`
	MaxPerYear                   *int `yaml:"max_per_year"`
	CooldownAfterInteractionDays *int `yaml:"cooldown_after_interaction_days"`
	QuietHours                   *struct {
		// Enabled is nil when not written: giving start or end then
		// means the quiet hours are on.
		Enabled *bool  `yaml:"enabled"`
		Start   string `yaml:"start"`
		End     string `yaml:"end"`
	} `yaml:"quiet_hours"`
	Weekends          *bool `yaml:"weekends"`
	ReminderAfterDays *int  `yaml:"reminder_after_days"`
	// The keys of fatigue and detractor are pointers: a key left out
	// keeps its default, as the section's own keys do.
	Fatigue *struct {
		Unanswered *int `yaml:"unanswered"`
		PauseDays  *int `yaml:"pause_days"`
	} `yaml:"fatigue"`
	Company *struct {
		Max     int `yaml:"max"`
		PerDays int `yaml:"per_days"`
	} `yaml:"company"`
	Detractor *struct {
		NPSBelow  *int `yaml:"nps_below"`
		CSATBelow *int `yaml:"csat_below"`
	} `yaml:"detractor"`
	Telegram *struct {
		GlobalPerSecond  float64 `yaml:"global_per_second"`
		PerChatPerSecond float64 `yaml:"per_chat_per_second"`
	} `yaml:"telegram"`
}

// Text is a text in French and English.
type Text struct {
	FR string `yaml:"fr"`
	EN string `yaml:"en"`
}

// Questionnaire is one questionnaire definition.
type Questionnaire struct {
	ID         string     `yaml:"id"`
	Version    int        `yaml:"version"`
	PeriodDays int        `yaml:"period_days"`
	Title      Text       `yaml:"title"`
	Questions  []Question `yaml:"questions"`
	// Trigger makes it ask itself: {after: sale, days: 7}, {after: move,
	// to: lost, days: 1} or {every_days: 365}.
	Trigger *Trigger `yaml:"trigger"`
}

// Trigger is a questionnaire's trigger as the file writes it.
type Trigger struct {
	After     string `yaml:"after"`
	To        string `yaml:"to"`
	Days      int    `yaml:"days"`
	EveryDays int    `yaml:"every_days"`
}

// Question is one question of a questionnaire.
type Question struct {
	ID       string `yaml:"id"`
	Type     string `yaml:"type"`
	Text     Text   `yaml:"text"`
	Optional bool   `yaml:"optional"`
	Options  []struct {
		ID   string `yaml:"id"`
		Text Text   `yaml:"text"`
	} `yaml:"options"`
	Sets string `yaml:"sets"`
}

// Digest is the digest section.
type Digest struct {
	Channels []string `yaml:"channels"`
	Weekday  string   `yaml:"weekday"`
	Time     string   `yaml:"time"`
}

// Roles maps roles to Slack user ids or user group ids: the members of
// access, the rule of who may do what.
type Roles = access.Members

// Config is the configuration in force: the file's values over the
// built-in defaults, checked.
type Config struct {
	Source string // the file it came from, or "built-in defaults"
	File   File
	Grades domain.Grades
	Rules  []domain.Rule
	// FitGrades grade the fit points; HalfLifeDays is the decay's
	// half-life, 0 when scores do not decay.
	FitGrades    domain.Grades
	HalfLifeDays int
	Scoring      *domain.Engine
	// Questionnaires are the questionnaires in force: the built-in ones,
	// then the file's, in its order.
	Questionnaires []domain.Questionnaire
	// Policy is the throttle in force; its Zone is left to the caller.
	Policy domain.Policy
	// Rot says when a contact at a stage is rotting; nil: never.
	Rot domain.RotPolicy
	// Hot says when an owner is alerted that a lead is hot.
	Hot domain.HotPolicy
}

// Problem is one thing wrong in the file, with its place.
type Problem struct {
	File         string
	Line, Column int
	Message      string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is the error of a bad file: every problem found.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Default is the built-in configuration.
func Default() *Config {
	c, err := build(File{}, "built-in defaults", nil)
	if err != nil {
		panic("config: built-in defaults are invalid: " + err.Error())
	}
	return c
}

// Load reads the file at path; an empty path gives the defaults.
func Load(path string) (*Config, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a configuration file's content; name is used in messages. A
// bad file gives Problems, each with its line and column.
func Parse(data []byte, name string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	var f File
	if len(root.Content) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return nil, Problems{yamlProblem(name, err)}
		}
	}
	return build(f, name, &root)
}

func yamlProblem(name string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.Join(te.Errors, "; ")
	}
	p := Problem{File: name, Message: msg}
	if n, _ := fmt.Sscanf(msg, "line %d:", &p.Line); n == 1 {
		p.Message = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		p.Column = 1
		if slices.Contains(yamlParserProblems, p.Message) {
			p.Line++
		}
	}
	return p
}

// yamlParserProblems are the syntax errors of the YAML parser (as opposed
// to its scanner), whose line yaml.v3 counts from 0: the line where the
// unfinished construct starts is one more.
var yamlParserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "did not find expected '-' indicator",
	"did not find expected <document start>", "did not find expected key", "did not find expected node content",
}

// build applies f over the defaults and checks the result. root, when
// given, locates problems in the file.
func build(f File, name string, root *yaml.Node) (*Config, error) {
	c := &Config{Source: name, File: f, Grades: domain.DefaultGrades, Rules: domain.DefaultRules, FitGrades: domain.DefaultFitGrades}
	var probs Problems
	at := func(path ...any) (int, int) { return locate(root, path...) }
	if s := f.Scoring; s != nil {
		if s.Grades != nil {
			c.Grades = domain.Grades{A: s.Grades.A, B: s.Grades.B, C: s.Grades.C}
		}
		if s.FitGrades != nil {
			c.FitGrades = domain.Grades{A: s.FitGrades.A, B: s.FitGrades.B, C: s.FitGrades.C}
		}
		if s.Rules != nil {
			c.Rules = make([]domain.Rule, len(s.Rules))
			for i, r := range s.Rules {
				c.Rules[i] = domain.Rule{Name: r.Name, When: r.When, Points: r.Points, Axis: domain.Axis(r.Axis), Decay: r.Decay}
			}
		}
		probs = append(probs, c.decay(s, name, at)...)
	}
	if err := c.Grades.Validate(); err != nil {
		l, col := at("scoring", "grades")
		probs = append(probs, Problem{name, l, col, err.Error()})
	}
	if err := c.FitGrades.Validate(); err != nil {
		l, col := at("scoring", "fit_grades")
		probs = append(probs, Problem{name, l, col, "scoring.fit_grades: " + err.Error()})
	}
	for i, r := range c.Rules {
		if _, err := domain.NewEngine([]domain.Rule{r}, domain.DefaultGrades); err != nil {
			l, col := at("scoring", "rules", i, "when")
			if strings.TrimSpace(r.Name) == "" {
				l, col = at("scoring", "rules", i)
			}
			var re *domain.RuleError
			msg := err.Error()
			if errors.As(err, &re) {
				msg = fmt.Sprintf("scoring rule %d (%q): %v", i+1, r.Name, re.Err)
			}
			probs = append(probs, Problem{name, l, col, msg})
		}
	}
	probs = append(probs, checkSections(f, name, at)...)
	c.Hot = hotPolicy(f, func(msg string, path ...any) {
		l, col := at(path...)
		probs = append(probs, Problem{name, l, col, msg})
	})
	if f.Pipeline != nil {
		c.Rot = domain.RotPolicy{}
		for word, days := range f.Pipeline.RotDays {
			st, err := domain.ParseStage(word)
			l, col := at("pipeline", "rot_days", word)
			switch {
			case err != nil:
				probs = append(probs, Problem{name, l, col, fmt.Sprintf("pipeline.rot_days: %v", err)})
			case days <= 0:
				probs = append(probs, Problem{name, l, col, fmt.Sprintf("pipeline.rot_days: %s takes a number of days above 0 (got %d); leave the stage out for one that never rots", word, days)})
			default:
				c.Rot[st] = days
			}
		}
	}
	// In the order of the file, the same from run to run (some checks
	// range over maps).
	slices.SortStableFunc(probs, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	if len(probs) > 0 {
		return nil, probs
	}
	engine, err := domain.NewEngine(c.Rules, c.Grades, domain.WithDecay(c.HalfLifeDays), domain.WithFitGrades(c.FitGrades))
	if err != nil {
		return nil, Problems{{File: name, Message: err.Error()}}
	}
	c.Scoring = engine
	c.Questionnaires = questionnaires(f.Questionnaires)
	c.Policy = policy(f.Throttle)
	return c, nil
}

// locate returns the line and column of the node at path (map keys and
// sequence indexes) under root, or of the deepest part of it that exists.
func locate(root *yaml.Node, path ...any) (int, int) {
	if root == nil {
		return 0, 0
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line, col := n.Line, n.Column
	for _, p := range path {
		var next *yaml.Node
		switch k := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == k {
						next = n.Content[i+1]
						line, col = n.Content[i].Line, n.Content[i].Column
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && k < len(n.Content) {
				next = n.Content[k]
			}
		}
		if next == nil {
			break
		}
		n = next
		if n.Kind == yaml.ScalarNode || n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
			line, col = n.Line, n.Column
		} else if _, isIdx := p.(int); isIdx {
			line, col = n.Line, n.Column
		}
	}
	return line, col
}

// decay reads scoring.decay: a half-life of at least one day.
func (c *Config) decay(s *Scoring, name string, at func(path ...any) (int, int)) Problems {
	if s.Decay == nil {
		return nil
	}
	if s.Decay.HalfLifeDays <= 0 {
		l, col := at("scoring", "decay", "half_life_days")
		return Problems{{name, l, col, fmt.Sprintf("scoring.decay.half_life_days takes a number of days above 0 (got %d); leave decay out for scores that do not fade", s.Decay.HalfLifeDays)}}
	}
	c.HalfLifeDays = s.Decay.HalfLifeDays
	return nil
}
