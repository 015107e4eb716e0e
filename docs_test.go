package crmbot_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/crmbot/crmbot/cmd/crmbot/config"
)

// outside are what would name a file outside the repository: the product
// specification kept beside it, and the folder that holds it. A clone has
// neither; what they said is in docs/. (Written in two parts, so that this
// file does not name them.)
var outside = []string{"PRODUCT" + ".md", "../" + "shared", "/work/" + "shared"}

// TestNothingRefersOutside fails when a tracked file names a file outside
// the repository, in code, comments, tests or documents.
func TestNothingRefersOutside(t *testing.T) {
	for _, file := range trackedFiles(t) {
		b, err := os.ReadFile(filepath.FromSlash(file))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			continue // binary
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, o := range outside {
				if strings.Contains(line, o) {
					t.Errorf("%s:%d names %s, which is outside the repository: cite the page of docs/ that says it", file, i+1, o)
				}
			}
		}
	}
}

// TestMarkdownLinks checks every relative link of the repository's
// Markdown files: it must name a file or folder inside the repository
// that exists, and its #anchor a heading of that file. The reference in
// docs/ is read through its links; a link that leads nowhere, or out of
// the repository (which a clone does not have), fails here.
func TestMarkdownLinks(t *testing.T) {
	for _, file := range trackedFiles(t) {
		if !strings.HasSuffix(file, ".md") {
			continue
		}
		text := readFile(t, file)
		for _, target := range markdownLinks(text) {
			if problem := checkLink(file, text, target); problem != "" {
				t.Errorf("%s: link %q %s", file, target, problem)
			}
		}
	}
}

// TestDocumentedPaths checks that every path of the repository that a
// Markdown file names in backquotes (`domain/throttle.go`, `bot/command`,
// `bot/telegrambot.Client.Send`) exists, so that the reference follows the
// code when files move.
func TestDocumentedPaths(t *testing.T) {
	for _, file := range trackedFiles(t) {
		if !strings.HasSuffix(file, ".md") {
			continue
		}
		for _, m := range repoPath.FindAllStringSubmatch(readFile(t, file), -1) {
			if !pathExists(m[1]) {
				t.Errorf("%s names %s, which is not in the repository", file, m[1])
			}
		}
	}
}

// repoPath is a path under a top-level folder of the repository, in
// backquotes, without placeholders.
var repoPath = regexp.MustCompile("`((?:cmd|bot|flows|domain|store|docs|scripts|deploy|slack|\\.ci)/[^`\\s<>*…]*)`")

// pathExists reports whether p is a file or folder of the repository, or a
// package folder followed by a Go name (bot/telegrambot.Client.Send).
func pathExists(p string) bool {
	if _, err := os.Stat(filepath.FromSlash(p)); err == nil {
		return true
	}
	dir, last := path.Split(p)
	pkg, name, ok := strings.Cut(last, ".")
	if !ok || name == "" || !unicode.IsUpper([]rune(name)[0]) {
		return false
	}
	info, err := os.Stat(filepath.FromSlash(dir + pkg))
	return err == nil && info.IsDir()
}

// TestDocsConfigurationExamples parses every YAML example of docs/ as a
// configuration file: an example the reference gives that crmbot refuses
// is a failing test.
func TestDocsConfigurationExamples(t *testing.T) {
	n := 0
	for _, file := range trackedFiles(t) {
		if !strings.HasPrefix(file, "docs/") || !strings.HasSuffix(file, ".md") {
			continue
		}
		for i, m := range yamlBlock.FindAllStringSubmatch(readFile(t, file), -1) {
			n++
			if _, err := config.Parse([]byte(m[1]), fmt.Sprintf("%s, example %d", file, i+1)); err != nil {
				t.Errorf("%v", err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no YAML example in docs/: this test no longer reads them")
	}
}

var yamlBlock = regexp.MustCompile("(?ms)^```yaml\n(.*?)^```")

// checkLink says what is wrong with the link target in file, whose text
// is text, or "" when nothing is.
func checkLink(file, text, target string) string {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return ""
	}
	dest, anchor, _ := strings.Cut(target, "#")
	destText := text
	if dest != "" {
		p := path.Join(path.Dir(file), dest)
		if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(dest) {
			return "leads out of the repository"
		}
		info, err := os.Stat(filepath.FromSlash(p))
		if err != nil {
			return "names nothing in the repository"
		}
		if anchor == "" || info.IsDir() || !strings.HasSuffix(p, ".md") {
			return ""
		}
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			return err.Error()
		}
		destText = string(b)
	}
	if anchor != "" && !headingAnchors(destText)[anchor] {
		return "names no heading there"
	}
	return ""
}

var (
	fence      = regexp.MustCompile("(?ms)^[ \t]*```.*?^[ \t]*```")
	inlineLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading    = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+?)[ \t]*$`)
)

// markdownLinks returns the targets of the inline links of a Markdown
// text, outside fenced code.
func markdownLinks(text string) []string {
	var out []string
	for _, m := range inlineLink.FindAllStringSubmatch(fence.ReplaceAllString(text, ""), -1) {
		out = append(out, m[1])
	}
	return out
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown text: lower case, punctuation dropped, spaces made hyphens, a
// repeated one numbered.
func headingAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, m := range heading.FindAllStringSubmatch(fence.ReplaceAllString(text, ""), -1) {
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			seen[a]++
			a += "-" + strconv.Itoa(n)
		} else {
			seen[a] = 1
		}
		anchors[a] = true
	}
	return anchors
}

// trackedFiles lists the repository's files, as paths from its root (this
// package's folder): the files git tracks, or, without git, every file but
// those of hidden folders.
func trackedFiles(t *testing.T) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "git", "ls-files", "-z").Output()
	if err == nil {
		var files []string
		for _, f := range bytes.Split(out, []byte{0}) {
			if len(f) > 0 {
				files = append(files, string(f))
			}
		}
		return files
	}
	t.Logf("git ls-files: %v; reading the folder instead", err)
	var files []string
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != "." && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case !d.IsDir():
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
