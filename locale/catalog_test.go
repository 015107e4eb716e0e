package locale_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/locale"
)

// message is a message id the code writes, and where.
type message struct{ id, where string }

// TestEveryMessageHasFrench reads every Go file of the module (tests
// aside) for the messages it writes through a Printer (p.T, p.N), keeps
// as a format (domain.Errorf, domain.M, usageError, WithUsage, an import's
// problems: Problems.Add, AddLate) or marks
// for translation (locale.Key), and fails on each one the French catalog
// lacks.
func TestEveryMessageHasFrench(t *testing.T) {
	msgs := scanModule(t, "..")
	if len(msgs) < 50 {
		t.Fatalf("found only %d messages: the scan no longer reads the code as it is", len(msgs))
	}
	for _, m := range msgs {
		if !locale.Has(locale.French, m.id) {
			t.Errorf("%s: no French for %q: add it to a catalog in locale/catalog", m.where, m.id)
		}
	}
}

// TestCatalogVerbs checks that each French message takes the arguments of
// its English one: the same fmt verbs, in any order.
func TestCatalogVerbs(t *testing.T) {
	for id, fr := range locale.Catalog(locale.French) {
		for _, form := range fr {
			if want, got := verbs(id), verbs(form); !slices.Equal(want, got) && !(len(got) < len(want) && pluralOne(fr, form)) {
				t.Errorf("%q → %q: verbs %v, want %v", id, form, got, want)
			}
		}
	}
}

// pluralOne reports whether form is the "one" form of a plural message,
// which may write its count as a word rather than a verb ("un contact").
func pluralOne(forms map[string]string, form string) bool {
	return len(forms) > 1 && forms["one"] == form
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs lists the fmt verbs of s, without their argument indexes, sorted.
func verbs(s string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(s, -1) {
		if v == "%%" {
			continue
		}
		out = append(out, regexp.MustCompile(`\[\d+\]`).ReplaceAllString(v, ""))
	}
	slices.Sort(out)
	return out
}

// scanModule returns the messages of every non-test Go file under root.
func scanModule(t *testing.T, root string) []message {
	t.Helper()
	var msgs []message
	pkgs := map[string][]*ast.File{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkgs[filepath.Dir(path)] = append(pkgs[filepath.Dir(path)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, files := range pkgs {
		consts := stringConsts(files)
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				for _, i := range messageArgs(call, filepath.Base(dir)) {
					if i < len(call.Args) {
						if s, ok := eval(call.Args[i], consts); ok && s != "" {
							msgs = append(msgs, message{s, fset.Position(call.Pos()).String()})
						}
					}
				}
				return true
			})
		}
	}
	_ = os.Stderr
	return msgs
}

// messageArgs returns the positions of call's arguments that are message
// ids.
func messageArgs(call *ast.CallExpr, pkg string) []int {
	name, qual := "", ""
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		name = fn.Sel.Name
		if id, ok := fn.X.(*ast.Ident); ok {
			qual = id.Name
		}
	case *ast.Ident:
		name, qual = fn.Name, pkg
	}
	switch {
	case name == "T" && qual != "t" && qual != "testing":
		return []int{0}
	case name == "N", name == "Countf" && qual == "domain":
		return []int{2}
	case name == "Errorf" && qual == "domain":
		return []int{1}
	case name == "M" && qual == "domain", name == "Key" && qual == "locale":
		return []int{0}
	case name == "usageError":
		return []int{0, 1}
	case name == "WithUsage":
		return []int{0}
	case name == "Add", name == "AddLate": // csvfile.Problems: rec, col, format
		return []int{2}
	}
	return nil
}

// stringConsts maps the names of a package's string constants to their
// values.
func stringConsts(files []*ast.File) map[string]string {
	out := map[string]string{}
	for range 2 { // constants defined from constants
		for _, f := range files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if v, ok := eval(vs.Values[i], out); ok {
								out[n.Name] = v
							}
						}
					}
				}
			}
		}
	}
	return out
}

// eval returns the value of a string literal, a sum of them or a known
// constant.
func eval(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := eval(e.X, consts)
		b, ok2 := eval(e.Y, consts)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return eval(e.X, consts)
	}
	return "", false
}
