package domain

import (
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
)

// This file holds the saved segments (docs/commands.md, segment): named
// filters over contact fields, written in the language of the scoring
// rules, and their compiled form.

// SavedSegment is a named filter over contact fields, written in the
// language of the scoring rules, with who saved it and when (set by the
// store when zero).
type SavedSegment struct {
	Name      string    `json:"name"`
	Filter    string    `json:"filter"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the name and compiles the filter.
func (s SavedSegment) Validate() error {
	_, err := s.Compile()
	return err
}

// Compile checks the name and compiles the filter.
func (s SavedSegment) Compile() (*SegmentFilter, error) {
	if err := ValidSegmentName(s.Name); err != nil {
		return nil, err
	}
	return CompileSegment(s.Filter)
}

// ValidSegmentName checks a saved segment's name: 1 to 40 letters, digits,
// "-" or "_", and not the name of an RFM segment, so that segment=NAME is
// never ambiguous.
func ValidSegmentName(name string) error {
	n := utf8.RuneCountInString(name)
	ok := n >= 1 && n <= 40 && strings.IndexFunc(name, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
	}) < 0
	if !ok {
		return Errorf(Invalid, "%q is not a usable segment name: use 1 to 40 letters, digits, - or _, like big-agro", name)
	}
	if seg, err := ParseRFMSegment(name); err == nil {
		return Errorf(Invalid, "%q is the name of the RFM segment %q: choose another name", name, seg)
	}
	return nil
}

// SegmentFilter is a compiled segment filter. It is safe for concurrent use.
type SegmentFilter struct {
	src     string
	program *vm.Program
	vms     sync.Pool // of *vm.VM
}

const segmentExample = `Write it like a scoring rule's condition, as in: sector == "agro" && employees >= 50`

// CompileSegment compiles a filter expression over ScoreEnv, the language
// of the scoring rules, such as `sector == "agro" && employees >= 50`.
func CompileSegment(filter string) (*SegmentFilter, error) {
	filter = strings.TrimSpace(filter)
	if filter == "" {
		return nil, Errorf(Invalid, "a segment needs a filter. %s", M(segmentExample))
	}
	p, err := CompileExpr(filter)
	if err != nil {
		e := Errorf(Invalid, "the segment filter is not a valid expression: %v\n%s", err, M(segmentExample))
		e.Err = err
		return nil, e
	}
	f := &SegmentFilter{src: filter, program: p}
	f.vms.New = func() any { return new(vm.VM) }
	return f, nil
}

// String returns the filter's source.
func (f *SegmentFilter) String() string { return f.src }

// Match reports whether the contact that env describes is in the segment.
// An expression that fails at run time does not match, as a scoring rule
// that fails does not fire.
func (f *SegmentFilter) Match(env *ScoreEnv) bool {
	ok, _ := f.MatchErr(env)
	return ok
}

// MatchErr is Match, with the run-time error of the expression, if any.
func (f *SegmentFilter) MatchErr(env *ScoreEnv) (bool, error) {
	m := f.vms.Get().(*vm.VM)
	defer f.vms.Put(m)
	out, err := m.Run(f.program, env)
	return err == nil && out == true, err
}
