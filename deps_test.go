// Package crmbot_test holds the tests of the repository as a whole: the
// layer rules of every package's imports (this file) and the documents.
package crmbot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is this repository's module path.
const module = "github.com/crmbot/crmbot"

// layers are the top-level folders of Go code, lowest first. A package may
// import the packages of its own layer and of the layers below it, never
// one above: cmd → bot → flows → store → domain. scripts holds tools that
// stand where cmd does; the module root holds only tests of the whole
// repository, above every layer. A package in any other folder fails the
// test until it is given its place here.
var layers = map[string]int{
	"domain":  0,
	"locale":  0, // the message catalogs: every layer but domain writes through them
	"store":   1,
	"flows":   2,
	"bot":     3,
	"cmd":     4,
	"scripts": 4,
	"":        5,
}

// layerNames says the order of the layers in messages.
const layerNames = "cmd → bot → flows → store → domain"

// libRule confines the libraries whose import path starts with one of
// prefixes to the packages under one of the folders within; tests says
// whether the packages' test files are held to it too.
type libRule struct {
	what     string
	prefixes []string
	within   []string
	tests    bool
}

var libRules = []libRule{
	{"gorm or an SQL driver", []string{"gorm.io/", "github.com/mattn/go-sqlite3", "github.com/jackc/pgx",
		"github.com/lib/pq", "modernc.org/sqlite", "github.com/go-sql-driver/"}, []string{"store"}, true},
	// Tests of other layers may open database/sql to look at what the
	// store wrote; their code may not.
	{"database/sql", []string{"database/sql"}, []string{"store"}, false},
	{"the Slack SDK", []string{"github.com/slack-go/"}, []string{"bot/slackbot"}, true},
	{"the Telegram SDK", []string{"github.com/go-telegram-bot-api/"}, []string{"bot/telegrambot"}, true},
	{"Prometheus's client library", []string{"github.com/prometheus/"}, []string{"bot/metrics"}, true},
	// HTTP is a transport: the use cases and everything below never speak it.
	{"net/http", []string{"net/http"}, []string{"bot", "cmd"}, true},
	// Messages are written through package locale, the one that knows
	// the catalogs' library.
	{"the message catalogs' library", []string{"github.com/nicksnyder/go-i18n/"}, []string{"locale"}, true},
}

// domainForbidden are what package domain may not depend on, even through
// another library: a database, a network transport, a chat service.
var domainForbidden = []string{"database/sql", "net/http", "gorm", "sqlite", "postgres", "pgx", "jackc",
	"lib/pq", "mysql", "slack", "telegram"}

// pkg is what go list tells of one package.
type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Deps         []string
	Error        *struct{ Err string }
}

// rel is the package's path within the module ("" for the root).
func (p pkg) rel() string {
	return strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
}

// TestLayers checks every package of the module against the layer rules:
// imports of our packages run only down the layers, gorm and the SQL
// drivers only in store, each chat SDK only in its adapter package (and
// that package's test kits), HTTP only in the transports and cmd, and
// package domain depends on no database, transport or chat library at all.
func TestLayers(t *testing.T) {
	pkgs := listPackages(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		if p.Error != nil {
			t.Errorf("%s: %s", p.ImportPath, p.Error.Err)
			continue
		}
		top, _, _ := strings.Cut(p.rel(), "/")
		seen[top] = true
		if _, ok := layers[top]; !ok {
			t.Errorf("%s is in the folder %s/, which is no layer: move it into one (%s), or give the folder its place in layers", p.ImportPath, top, layerNames)
			continue
		}
		for _, problem := range checkPackage(p) {
			t.Error(problem)
		}
	}
	// A listing that misses a layer is not what this test reads.
	for _, top := range []string{"domain", "store", "flows", "bot", "cmd"} {
		if !seen[top] {
			t.Errorf("go list named no package under %s/: this test no longer reads the tree as it is", top)
		}
	}
}

// checkPackage returns what is wrong with p's imports.
func checkPackage(p pkg) []string {
	var out []string
	layer := layerOf(p.rel())
	for _, imp := range importsOf(p) {
		if r, ours := strings.CutPrefix(imp.path, module+"/"); ours {
			if layerOf(r) > layer {
				out = append(out, fmt.Sprintf("%s%s imports %s: imports run only down the layers %s",
					p.ImportPath, imp.where, imp.path, layerNames))
			}
			continue
		}
		for _, rule := range libRules {
			if (rule.tests || imp.where == "") && hasPrefix(imp.path, rule.prefixes) && !under(p.rel(), rule.within) {
				out = append(out, fmt.Sprintf("%s%s imports %s: only %s may use %s", p.ImportPath, imp.where, imp.path,
					strings.Join(rule.within, "/, ")+"/", rule.what))
			}
		}
	}
	if top, _, _ := strings.Cut(p.rel(), "/"); top == "domain" {
		for _, d := range p.Deps {
			if hasWord(d, domainForbidden) {
				out = append(out, fmt.Sprintf("%s depends on %s: domain holds types and pure rules, with no database, transport or chat library", p.ImportPath, d))
			}
		}
	}
	return out
}

// anImport is one import of a package; where says from which files: ""
// for the package's code, " (tests)" for its test files.
type anImport struct{ path, where string }

func importsOf(p pkg) []anImport {
	var out []anImport
	for _, i := range p.Imports {
		out = append(out, anImport{i, ""})
	}
	for _, i := range slices.Concat(p.TestImports, p.XTestImports) {
		if i != p.ImportPath {
			out = append(out, anImport{i, " (tests)"})
		}
	}
	return out
}

// layerOf is the layer of a package path within the module.
func layerOf(rel string) int {
	top, _, _ := strings.Cut(rel, "/")
	if l, ok := layers[top]; ok {
		return l
	}
	return -1 // reported on its own, and never a layer to import
}

// under reports whether rel is one of folders or inside one.
func under(rel string, folders []string) bool {
	return slices.ContainsFunc(folders, func(f string) bool { return rel == f || strings.HasPrefix(rel, f+"/") })
}

// hasPrefix reports whether path is one of prefixes or starts with one
// (a prefix without a trailing slash names a package and those below it).
func hasPrefix(path string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool {
		return path == strings.TrimSuffix(p, "/") || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/")
	})
}

// hasWord reports whether path, in lower case, contains one of words.
func hasWord(path string, words []string) bool {
	path = strings.ToLower(path)
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(path, w) })
}

// listPackages runs go list over the module, from its root (this
// package's folder).
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports,Deps,Error", "./...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("read go list's output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
