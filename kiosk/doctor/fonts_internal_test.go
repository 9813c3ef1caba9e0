package doctor

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"checkin/assets"
)

// needTool returns a tool's path. Without it the test fails in CI (which
// installs it) and skips loudly elsewhere.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found but CI=true: apt-get install %s: %v", name, pkg, err)
	}
	t.Skipf("*** SKIPPING: %s is not installed (apt-get install %s) ***", name, pkg)
	return ""
}

// emptyFontconfig writes a fontconfig configuration whose only font
// directory is empty: every font is missing.
func emptyFontconfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "fonts.conf")
	os.Mkdir(filepath.Join(dir, "fonts"), 0o755)
	body := `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>` + filepath.Join(dir, "fonts") + `</dir><cachedir>` + filepath.Join(dir, "cache") + `</cachedir></fontconfig>
`
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

func TestFonts(t *testing.T) {
	needTool(t, "fc-list", "fontconfig")
	c := checkFonts(context.Background(), emptyFontconfig(t))
	wantCheck(t, c, Fail, "no font for en (Noto Sans), fr (Noto Sans), es (Noto Sans), ru (Noto Sans), ar (Noto Sans Arabic), zh (Noto Sans CJK SC)",
		"apt-get install fonts-noto-core fonts-noto-cjk")

	// The machine's own fonts: CI installs fonts-noto-core and fonts-noto-cjk.
	c = checkFonts(context.Background(), "")
	if c.Status != OK && os.Getenv("CI") != "true" {
		t.Skipf("*** SKIPPING the installed-fonts half: %s (apt-get install fonts-noto-core fonts-noto-cjk) ***", c.Detail)
	}
	wantCheck(t, c, OK, "cover en fr es ru ar zh", "")
}

func TestFontsWithoutFontconfig(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	wantCheck(t, checkFonts(context.Background(), ""), Fail, "fc-list (fontconfig) is not installed", "apt-get install fontconfig")
}

// TestFontsAreTheScreens: each family the check asks for is one the
// screens' stylesheets name, so the check cannot drift from them.
func TestFontsAreTheScreens(t *testing.T) {
	css, err := fs.ReadFile(assets.FS(), "static/entrance.css")
	if err != nil {
		t.Fatal(err)
	}
	sans := regexp.MustCompile(`--sans:([^;]+);`).FindSubmatch(css)
	if sans == nil {
		t.Fatal("entrance.css names no --sans")
	}
	zh := regexp.MustCompile(`:lang\(zh\) \{ font-family: "([^"]+)"`).FindSubmatch(css)
	if zh == nil {
		t.Fatal("entrance.css has no :lang(zh) family")
	}
	for _, f := range Fonts() {
		if !strings.Contains(string(sans[1]), `"`+f.Family+`"`) {
			t.Errorf("%s: %q is not in the entrance screen's --sans: %s", f.Lang, f.Family, sans[1])
		}
		if f.Lang == "zh" && f.Family != string(zh[1]) {
			t.Errorf("zh: the check wants %q, the entrance screen uses %q", f.Family, zh[1])
		}
	}
}

func TestEntranceScreen(t *testing.T) {
	if c := checkEntranceScreen(false); c.Status != Skip {
		t.Errorf("not configured: %s, want skip", c.Status)
	}
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	wantCheck(t, checkEntranceScreen(true), Fail, "chromium and cage not installed", "apt-get install chromium cage")
	os.WriteFile(filepath.Join(bin, "chromium"), []byte("#!/bin/sh\n"), 0o755)
	wantCheck(t, checkEntranceScreen(true), Fail, "cage not installed", "apt-get install chromium cage")
	os.WriteFile(filepath.Join(bin, "cage"), []byte("#!/bin/sh\n"), 0o755)
	wantCheck(t, checkEntranceScreen(true), OK, "chromium and cage installed", "")
}
