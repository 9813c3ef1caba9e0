package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/flags.md from the binary's --help")

// flagsDoc is where the generated reference of every flag lives.
const flagsDoc = "../../docs/flags.md"

// TestFlagsDoc: docs/flags.md is exactly what the binary's --help says,
// command by command, so the reference cannot drift from the code.
// `make docs` (go test -run TestFlagsDoc -update) rewrites it.
func TestFlagsDoc(t *testing.T) {
	bin := buildBinary(t)
	got := generateFlagsDoc(t, bin)
	if *updateDocs {
		if err := os.WriteFile(flagsDoc, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(flagsDoc)
	if err != nil {
		t.Fatalf("%v (make docs writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/flags.md differs from the binary's --help: run make docs and commit it\n%s", firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line where two texts part.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  docs:   %q\n  binary: %q", i+1, x, y)
		}
	}
	return ""
}

var (
	commandLine = regexp.MustCompile(`^  ([a-z]+) +(.+)$`)
	flagLine    = regexp.MustCompile(`^  -([a-z0-9-]+)(?: (.+))?$`)
	defaultTail = regexp.MustCompile(` \(default (.+)\)$`)
)

// helpText runs the binary with args and --help.
func helpText(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append(args, "--help")...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no CHECKIN_* of the caller's
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("checkin %s --help: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// generateFlagsDoc walks checkin --help, each command's --help and, for
// commands with subcommands, each subcommand's.
func generateFlagsDoc(t *testing.T, bin string) []byte {
	var b bytes.Buffer
	b.WriteString(`# Flags and environment variables

<!-- Generated from the binary's --help by ` + "`make docs`" + `; a test checks it. Do not edit. -->

Every flag can also be set as an environment variable ` + "`CHECKIN_<FLAG>`" + ` (upper
case, ` + "`-`" + ` becomes ` + "`_`" + `); a flag on the command line wins. A repeatable flag
(` + "`--reader`" + `) takes several values from its variable, one a line, or separated by
spaces. The Debian package's units read them from ` + "`/etc/checkin/*.env`" + `
([install.md](install.md)).

Other variables checkin reads: ` + "`CREDENTIALS_DIRECTORY`" + ` (systemd's, for a token given
with ` + "`LoadCredential=`" + `), PostgreSQL's own (` + "`PGPASSWORD`" + `, ` + "`PGPASSFILE`" + `, ` + "`PGSSLMODE`" + `…)
for ` + "`--db`" + `, and ` + "`FONTCONFIG_FILE`" + ` (fontconfig's, when ` + "`checkin doctor`" + ` looks for fonts).

Exit codes: 0 success, 1 a failure at run time (` + "`checkin doctor`" + `: a check failed), 2 bad
usage or bad input. Errors go to standard error, one line each, naming the file,
line and column where there is one. Every command takes ` + "`--help`" + `.

`)
	top := helpText(t, bin)
	var commands []string
	for _, line := range strings.Split(top, "\n") {
		if m := commandLine.FindStringSubmatch(line); m != nil {
			commands = append(commands, m[1])
		}
	}
	if len(commands) < 10 {
		t.Fatalf("checkin --help lists %d commands:\n%s", len(commands), top)
	}
	for _, c := range commands {
		if c == "version" {
			b.WriteString("## checkin version\n\n`checkin version` or `checkin --version`: the version, the commit and the build date. No flags.\n\n")
			continue
		}
		help := helpText(t, bin, c)
		if strings.Contains(help, "\nFlags (") {
			writeCommand(&b, []string{c}, help)
			continue
		}
		// A command with subcommands: its help is their usage lines.
		subLine := regexp.MustCompile(`checkin ` + c + ` ([a-z|]+)`)
		var subs []string
		seen := map[string]bool{}
		for _, m := range subLine.FindAllStringSubmatch(help, -1) {
			for _, s := range strings.Split(m[1], "|") {
				if !seen[s] {
					seen[s] = true
					subs = append(subs, s)
				}
			}
		}
		if len(subs) == 0 {
			t.Fatalf("checkin %s --help: no flags and no subcommands:\n%s", c, help)
		}
		for _, s := range subs {
			writeCommand(&b, []string{c, s}, helpText(t, bin, c, s))
		}
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}

// writeCommand writes one command's usage line and its flags table.
func writeCommand(b *bytes.Buffer, path []string, help string) {
	lines := strings.Split(help, "\n")
	fmt.Fprintf(b, "## checkin %s\n\n", strings.Join(path, " "))
	if u, ok := strings.CutPrefix(lines[0], "Usage: "); ok {
		fmt.Fprintf(b, "`%s`\n\n", strings.TrimSpace(u))
	}
	type row struct{ name, arg, usage string }
	var rows []row
	in := false
	for _, line := range lines {
		switch {
		case strings.HasPrefix(line, "Flags ("):
			in = true
		case !in:
		case flagLine.MatchString(line):
			m := flagLine.FindStringSubmatch(line)
			rows = append(rows, row{name: m[1], arg: m[2]})
		case strings.HasPrefix(line, "    \t") && len(rows) > 0:
			r := &rows[len(rows)-1]
			r.usage = strings.TrimSpace(r.usage + " " + strings.TrimPrefix(line, "    \t"))
		}
	}
	if len(rows) == 0 {
		b.WriteString("No flags.\n\n")
		return
	}
	b.WriteString("| flag | variable | default | meaning |\n|---|---|---|---|\n")
	for _, r := range rows {
		def := ""
		if m := defaultTail.FindStringSubmatch(r.usage); m != nil {
			def, r.usage = m[1], strings.TrimSuffix(r.usage, m[0])
		}
		flagCell := "`--" + r.name
		if r.arg != "" {
			flagCell += " " + r.arg
		}
		flagCell += "`"
		env := "`CHECKIN_" + strings.ToUpper(strings.ReplaceAll(r.name, "-", "_")) + "`"
		if def != "" {
			def = "`" + strings.Trim(def, `"`) + "`"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cell(flagCell), env, cell(def), cell(r.usage))
	}
	b.WriteString("\n")
}

// cell escapes a table cell's pipes.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
