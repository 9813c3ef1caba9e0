package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Font is the Noto family the screens' stylesheets name for a language
// (assets/static/*.css, --sans and :lang rules).
type Font struct {
	Lang, Family string
}

// Fonts are the six UN languages the screens show, each with the family
// that draws it.
func Fonts() []Font {
	return []Font{
		{"en", "Noto Sans"},
		{"fr", "Noto Sans"},
		{"es", "Noto Sans"},
		{"ru", "Noto Sans"},
		{"ar", "Noto Sans Arabic"},
		{"zh", "Noto Sans CJK SC"},
	}
}

const fontsFix = "apt-get install fonts-noto-core fonts-noto-cjk"

// checkFonts asks fontconfig (fc-list) for the Noto family of each
// language. fontconfigFile, when set, is FONTCONFIG_FILE for fc-list.
func checkFonts(ctx context.Context, fontconfigFile string) Check {
	const title = "fonts"
	fcList, err := exec.LookPath("fc-list")
	if err != nil {
		return fail(IDFonts, title, "fc-list (fontconfig) is not installed: the browser finds no fonts without it", "apt-get install fontconfig "+strings.TrimPrefix(fontsFix, "apt-get install "))
	}
	var missing []string
	for _, f := range Fonts() {
		has, err := hasFamily(ctx, fcList, fontconfigFile, f)
		if err != nil {
			return fail(IDFonts, title, err.Error(), "apt-get install --reinstall fontconfig")
		}
		if !has {
			missing = append(missing, fmt.Sprintf("%s (%s)", f.Lang, f.Family))
		}
	}
	if len(missing) > 0 {
		return fail(IDFonts, title, "no font for "+strings.Join(missing, ", ")+": the screens show empty boxes", fontsFix)
	}
	return ok(IDFonts, title, "Noto Sans, Noto Sans Arabic and Noto Sans CJK SC cover en fr es ru ar zh")
}

// hasFamily reports whether fontconfig has f.Family covering f.Lang.
func hasFamily(ctx context.Context, fcList, fontconfigFile string, f Font) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // a first run builds fontconfig's cache
	defer cancel()
	cmd := exec.CommandContext(ctx, fcList, ":lang="+f.Lang, "family")
	cmd.Env = os.Environ()
	if fontconfigFile != "" {
		cmd.Env = append(cmd.Env, "FONTCONFIG_FILE="+fontconfigFile)
	}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return false, fmt.Errorf("fc-list :lang=%s: %v: %s", f.Lang, err, strings.TrimSpace(string(ee.Stderr)))
		}
		return false, fmt.Errorf("fc-list :lang=%s: %v", f.Lang, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		for _, name := range strings.Split(line, ",") {
			if strings.TrimSpace(name) == f.Family {
				return true, nil
			}
		}
	}
	return false, nil
}

// checkEntranceScreen checks the programs the entrance screen runs in
// (checkin-entrance.service: cage, a kiosk compositor, and chromium).
func checkEntranceScreen(configured bool) Check {
	const title = "entrance screen"
	if !configured {
		return skip(IDEntranceScreen, title, "this box shows no entrance screen (CHECKIN_ENTRANCE_SCREEN)")
	}
	var missing []string
	for _, prog := range []string{"chromium", "cage"} {
		if _, err := exec.LookPath(prog); err != nil {
			missing = append(missing, prog)
		}
	}
	if len(missing) > 0 {
		return fail(IDEntranceScreen, title, strings.Join(missing, " and ")+" not installed: checkin-entrance.service cannot start",
			"apt-get install chromium cage")
	}
	return ok(IDEntranceScreen, title, "chromium and cage installed")
}
