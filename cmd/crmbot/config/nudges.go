package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Alerts is when an owner is alerted about their contacts.
type Alerts struct {
	Hot *struct {
		Grade *string `yaml:"grade"`
		Jump  *int    `yaml:"jump"`
	} `yaml:"hot"`
}

// Checkin is when each owner gets their weekly check-in (by default
// Monday 09:00, in CRMBOT_TIMEZONE); enabled: false turns it off.
type Checkin struct {
	Enabled *bool  `yaml:"enabled"`
	Weekday string `yaml:"weekday"`
	Time    string `yaml:"time"`
}

// On reports whether check-ins are sent.
func (c *Checkin) On() bool { return c == nil || c.Enabled == nil || *c.Enabled }

// hotPolicy reads alerts.hot over the default; grade "" or jump 0 turns
// that half off.
func hotPolicy(f File, add func(msg string, path ...any)) domain.HotPolicy {
	p := domain.DefaultHotPolicy
	if f.Alerts == nil || f.Alerts.Hot == nil {
		return p
	}
	h := f.Alerts.Hot
	if h.Grade != nil {
		p.Grade = strings.ToUpper(strings.TrimSpace(*h.Grade))
	}
	if h.Jump != nil {
		p.Jump = *h.Jump
	}
	if err := p.Validate(); err != nil {
		add(err.Error(), "alerts", "hot")
	}
	return p
}

// checkCheckin checks the check-in's day and time.
func checkCheckin(c *Checkin, add func(msg string, path ...any)) {
	if c == nil {
		return
	}
	if c.Weekday != "" && !slices.Contains(weekdays, strings.ToLower(c.Weekday)) {
		add(fmt.Sprintf("checkin.weekday must be a day such as monday (got %q)", c.Weekday), "checkin", "weekday")
	}
	if _, err := time.Parse("15:04", c.Time); c.Time != "" && err != nil {
		add(fmt.Sprintf("checkin.time must be a time like 09:00 (got %q)", c.Time), "checkin", "time")
	}
}
