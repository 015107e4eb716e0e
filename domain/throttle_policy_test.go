package domain_test

import (
	"testing"

	"github.com/crmbot/crmbot/domain"
)

func TestParseFrequency(t *testing.T) {
	cases := []struct {
		in   string
		want domain.Frequency
		bad  bool
	}{
		{in: "", want: 0}, {in: "any", want: 0}, {in: "Weekly", want: 7}, {in: "hebdomadaire", want: 7},
		{in: "monthly", want: 30}, {in: " QUARTERLY ", want: 91}, {in: "trimestrielle", want: 91},
		{in: "twice a year", want: 182}, {in: "yearly", want: 365}, {in: "annuel", want: 365},
		{in: "never", want: domain.Never}, {in: "jamais", want: domain.Never}, {in: "45d", want: 45},
		{in: "0d", bad: true}, {in: "-3d", bad: true}, {in: "45", bad: true}, {in: "often", bad: true},
	}
	for _, c := range cases {
		got, err := domain.ParseFrequency(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ParseFrequency(%q) = %d, %v; want %d, bad %v", c.in, got, err, c.want, c.bad)
		}
	}
}

func TestParseClock(t *testing.T) {
	cases := []struct {
		in   string
		want domain.Clock
		bad  bool
	}{
		{in: "20:00", want: 1200}, {in: "09:00", want: 540}, {in: "9:05", want: 545}, {in: "00:00", want: 0}, {in: "23:59", want: 1439},
		{in: "24:00", bad: true}, {in: "12:60", bad: true}, {in: "12:5", bad: true}, {in: "noon", bad: true}, {in: "", bad: true},
	}
	for _, c := range cases {
		got, err := domain.ParseClock(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d, bad %v", c.in, got, err, c.want, c.bad)
		}
		if err == nil && c.in != "9:05" && got.String() != c.in {
			t.Errorf("Clock(%d).String() = %q, want %q", got, got, c.in)
		}
		if err != nil && !domain.IsCode(err, domain.Invalid) {
			t.Errorf("ParseClock(%q): %v is not invalid", c.in, err)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	cases := []struct {
		name string
		set  func(*domain.Policy)
		bad  bool
	}{
		{name: "default", set: func(*domain.Policy) {}},
		{name: "zero", set: func(p *domain.Policy) { *p = domain.Policy{} }},
		{name: "negative window", set: func(p *domain.Policy) { p.RecontactDays = -1 }, bad: true},
		{name: "empty quiet hours", set: func(p *domain.Policy) { p.QuietHours.End = p.QuietHours.Start }, bad: true},
		{name: "quiet hours past midnight", set: func(p *domain.Policy) { p.QuietHours.Start = 24 * 60 }, bad: true},
		{name: "company cap without days", set: func(p *domain.Policy) { p.Company.Max = 1 }, bad: true},
	}
	for _, c := range cases {
		p := domain.DefaultPolicy
		c.set(&p)
		if err := p.Validate(); (err != nil) != c.bad {
			t.Errorf("%s: Validate() = %v, want bad %v", c.name, err, c.bad)
		}
	}
}
