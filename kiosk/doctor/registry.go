package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	wire "checkin/sync"
	"checkin/sync/client"
)

// registryTimeout bounds each request to a registry.
const registryTimeout = 10 * time.Second

// clockSample is the registry's clock against this machine's, from the
// Date header of an answer.
type clockSample struct {
	url    string
	offset time.Duration // registry minus this machine
}

// checkRegistries asks each registry which kiosk this box's token belongs
// to (GET /sync/v1/whoami), as the kiosk does, with its trust settings. It
// returns the first answer's clock for the clock check.
func checkRegistries(ctx context.Context, cfg Config) ([]Check, *clockSample) {
	const title = "registry"
	if cfg.Registry == "" {
		return []Check{skip(IDRegistry, title, "standalone kiosk: no --registry (CHECKIN_REGISTRY)")}, nil
	}
	token, c, bad := registryToken(cfg)
	if bad {
		return []Check{c}, nil
	}
	roots, c, bad := registryRoots(cfg.RegistryCA)
	if bad {
		return []Check{c}, nil
	}
	hc := &http.Client{Transport: client.NewTransport(roots), Timeout: registryTimeout}
	var out []Check
	var clock *clockSample
	for _, raw := range strings.Split(cfg.Registry, ",") {
		base := strings.TrimRight(strings.TrimSpace(raw), "/")
		c, sample := checkRegistry(ctx, cfg, hc, base, token)
		out = append(out, c)
		if clock == nil {
			clock = sample
		}
	}
	return out, clock
}

// registryToken reads the token as the kiosk does: a token file only its
// owner may read.
func registryToken(cfg Config) (string, Check, bool) {
	const title = "registry token"
	switch {
	case cfg.TokenFile == "" && cfg.Token == "":
		return "", fail(IDRegistry, title, "no token: the registry refuses a kiosk without one",
			"at the registry: checkin token add --data REGDIR --kiosk "+kioskOr(cfg)+" > /etc/checkin/kiosk.token; then set CHECKIN_TOKEN_FILE=/etc/checkin/kiosk.token (chown checkin: and chmod 600 it)"), true
	case cfg.TokenFile == "":
		return cfg.Token, Check{}, false
	}
	path := cfg.TokenFile
	token, mode, err := client.ReadTokenFile(path, "")
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fail(IDRegistry, title, path+" does not exist",
			"at the registry: checkin token add --data REGDIR --kiosk "+kioskOr(cfg)+"; put the token in "+path+" (chmod 600)"), true
	case errors.Is(err, client.ErrTokenFileShared):
		return "", fail(IDRegistry, title, fmt.Sprintf("%s is readable by others (mode %04o): the kiosk refuses to start", path, mode),
			"chmod 600 "+path), true
	case errors.Is(err, client.ErrTokenFileEmpty):
		return "", fail(IDRegistry, title, path+" is empty",
			"at the registry: checkin token add --data REGDIR --kiosk "+kioskOr(cfg)+"; put the token in "+path), true
	case errors.Is(err, client.ErrTokenFileExtra):
		return "", fail(IDRegistry, title, path+" holds more than the token", "leave only the token in "+path), true
	case err != nil:
		return "", fail(IDRegistry, title, err.Error(), "run checkin doctor as root or as the kiosk's user"), true
	}
	return token, Check{}, false
}

func kioskOr(cfg Config) string {
	if cfg.KioskID != "" {
		return cfg.KioskID
	}
	return "ID"
}

// registryRoots reads --registry-ca as the kiosk does; nil: the system's.
func registryRoots(caFile string) (*x509.CertPool, Check, bool) {
	const title = "registry certificate"
	if caFile == "" {
		return nil, Check{}, false
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fail(IDRegistry, title, err.Error(), "copy the registry's certificate (registry.crt) there, or correct CHECKIN_REGISTRY_CA"), true
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fail(IDRegistry, title, caFile+" holds no PEM certificate", "copy the registry's certificate (the .crt, not the .key) there"), true
	}
	return pool, Check{}, false
}

// checkRegistry asks one registry who this token is.
func checkRegistry(ctx context.Context, cfg Config, hc *http.Client, base, token string) (Check, *clockSample) {
	title := "registry " + base
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(IDRegistry, title, "not an http(s) URL", "set CHECKIN_REGISTRY=https://HOST:PORT"), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sync/v1/whoami", nil)
	if err != nil {
		return fail(IDRegistry, title, err.Error(), ""), nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := hc.Do(req)
	var untrusted *tls.CertificateVerificationError
	switch {
	case errors.As(err, &untrusted) && cfg.RegistryCA != "":
		return fail(IDRegistry, title, "its certificate does not verify against "+cfg.RegistryCA+": "+untrusted.Err.Error(),
			"copy the registry's current certificate (or its CA) to "+cfg.RegistryCA+"; the certificate must name the host in CHECKIN_REGISTRY"), nil
	case errors.As(err, &untrusted):
		return fail(IDRegistry, title, "its certificate does not verify: "+untrusted.Err.Error(),
			"copy the registry's certificate to /etc/checkin/registry.crt and set CHECKIN_REGISTRY_CA=/etc/checkin/registry.crt in /etc/checkin/kiosk.env"), nil
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the title already
		}
		return fail(IDRegistry, title, "unreachable: "+err.Error(),
			"check the address and the network; at the registry: systemctl status checkin-registry"), nil
	}
	defer resp.Body.Close()
	mid := start.Add(time.Since(start) / 2)
	var sample *clockSample
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		// Date has whole seconds: the registry's clock is within the second after it.
		sample = &clockSample{url: base, offset: d.Add(500 * time.Millisecond).Sub(mid)}
	}
	var body struct {
		wire.WhoAmI
		Error string `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	tokenFix := "at the registry: checkin token add --data REGDIR --kiosk " + kioskOr(cfg) + ", then put the new token in " + tokenPlace(cfg)
	switch {
	case resp.StatusCode == http.StatusUnauthorized && resp.Header.Get(wire.HeaderToken) == wire.TokenRevoked:
		return fail(IDRegistry, title, "the registry refused this kiosk's token: it was revoked", tokenFix), sample
	case resp.StatusCode == http.StatusUnauthorized:
		return fail(IDRegistry, title, "the registry refused this kiosk's token", tokenFix), sample
	case resp.StatusCode != http.StatusOK:
		msg := body.Error
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return fail(IDRegistry, title, fmt.Sprintf("answers %d: %s (is this a checkin registry?)", resp.StatusCode, msg),
			"check CHECKIN_REGISTRY: the registry's base URL, e.g. https://registry.venue:8090"), sample
	case cfg.KioskID != "" && body.Kiosk != cfg.KioskID:
		return fail(IDRegistry, title, fmt.Sprintf("the token is kiosk %s's, but CHECKIN_KIOSK_ID is %s: the kiosk refuses to start", body.Kiosk, cfg.KioskID),
			"leave CHECKIN_KIOSK_ID out, or give this box kiosk "+cfg.KioskID+"'s token"), sample
	}
	return ok(IDRegistry, title, "the token is kiosk "+body.Kiosk+"'s"), sample
}

// tokenPlace says where the kiosk's token goes.
func tokenPlace(cfg Config) string {
	if cfg.TokenFile != "" {
		return cfg.TokenFile + " (chmod 600)"
	}
	return "/etc/checkin/kiosk.token (chmod 600) and set CHECKIN_TOKEN_FILE to it"
}

// clockLimit is how far this machine's clock may be from the registry's.
const clockLimit = 2 * time.Second

// checkClock compares this machine's clock with the registry's: passes
// and the schedule's "now" depend on it.
func checkClock(s *clockSample) Check {
	const title = "clock"
	if s == nil {
		return skip(IDClock, title, "no registry answered to compare with")
	}
	off := s.offset.Round(100 * time.Millisecond)
	abs := off
	if abs < 0 {
		abs = -abs
	}
	if abs <= clockLimit {
		return ok(IDClock, title, fmt.Sprintf("within %s of %s", clockLimit, s.url))
	}
	how := "behind" // offset is the registry's clock minus this machine's
	if off < 0 {
		how = "ahead of"
	}
	return warn(IDClock, title, fmt.Sprintf("this machine is %s %s %s", abs, how, s.url),
		"timedatectl set-ntp true (or install chrony), on this box and on the registry's")
}
