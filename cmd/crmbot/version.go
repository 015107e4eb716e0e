package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func (m *Main) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print crmbot's version, the commit it was built from and its Go version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(m.Stdout, version())
			return nil
		},
	}
}

// version describes the build from what the Go toolchain records in the
// binary: the module's version ("(devel)" for a build from a checkout),
// the commit, its time and whether the tree had changes (when built with
// go build in a git checkout), and Go's version and platform.
func version() string {
	v, commit := "(unknown)", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		v = info.Main.Version
		vcs := map[string]string{}
		for _, s := range info.Settings {
			vcs[s.Key] = s.Value
		}
		if rev := vcs["vcs.revision"]; rev != "" {
			commit = ", commit " + rev[:min(12, len(rev))] + " of " + vcs["vcs.time"]
			if vcs["vcs.modified"] == "true" {
				commit += ", with uncommitted changes"
			}
		}
	}
	return fmt.Sprintf("crmbot %s%s, %s %s/%s", v, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
