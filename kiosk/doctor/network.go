package doctor

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"checkin/badge/serialreader"
)

// health is the part of a kiosk's /healthz the doctor reads.
type health struct {
	Status    string                     `json:"status"`
	Role      string                     `json:"role"`
	Kiosk     string                     `json:"kiosk_id"`
	Version   string                     `json:"version"`
	Database  string                     `json:"database"`
	Delegates int                        `json:"delegates"`
	Readers   []serialreader.ReaderState `json:"readers"`
}

// healthTimeout bounds each /healthz request.
const healthTimeout = 2 * time.Second

// localURL is the kiosk's base URL from this machine: the loopback form of
// an address on every interface.
func localURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %v", addr, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::", "[::]":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// getHealth asks the kiosk (or registry) at base for /healthz.
func getHealth(ctx context.Context, base string) (*health, error) {
	return getHealthWith(ctx, &http.Client{}, base)
}

// getHealthWith is getHealth with a client of the caller's.
func getHealthWith(ctx context.Context, client *http.Client, base string) (*health, error) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	resp, body, err := httpGet(ctx, client, base+"/healthz")
	if err != nil {
		return nil, err
	}
	var h health
	if err := json.Unmarshal(body, &h); err != nil || (h.Role != "kiosk" && h.Role != "registry") {
		return nil, fmt.Errorf("%s/healthz answers %s, not as checkin", base, resp.Status)
	}
	return &h, nil
}

// checkKioskRunning asks the kiosk at its address for /healthz. A kiosk
// not running is a warning: the doctor may run before its first start. It
// returns the health when the kiosk answers.
func checkKioskRunning(ctx context.Context, cfg Config) (Check, *health) {
	const title = "kiosk running"
	if cfg.Addr == "" {
		return skip(IDKioskRunning, title, "no --addr (CHECKIN_ADDR)"), nil
	}
	base, err := localURL(cfg.Addr)
	if err != nil {
		return fail(IDKioskRunning, title, err.Error(), "set CHECKIN_ADDR=HOST:PORT, e.g. 0.0.0.0:8080"), nil
	}
	client := &http.Client{}
	if cfg.TLSCert != "" {
		// A registry with a certificate serves HTTPS only. This asks the
		// box's own service whether it runs, over loopback, where the
		// certificate's names (registry.venue) cannot match; the
		// certificate itself is the tls check's.
		base = "https" + strings.TrimPrefix(base, "http")
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	h, err := getHealthWith(ctx, client, base)
	if err != nil {
		return warn(IDKioskRunning, title, fmt.Sprintf("nothing answers at %s (%v)", base, shortErr(err)),
			"systemctl status checkin-kiosk (journalctl -u checkin-kiosk for why it stopped; checkin-registry on a registry box); fine if it was never started"), nil
	}
	detail := fmt.Sprintf("%s, version %s, kiosk %s, status %s, %d delegates", base, h.Version, h.Kiosk, h.Status, h.Delegates)
	service := "checkin-kiosk"
	if h.Role == "registry" { // checkin doctor --env-file /etc/checkin/registry.env on a registry box
		detail = fmt.Sprintf("%s is a registry, version %s, status %s, %d delegates", base, h.Version, h.Status, h.Delegates)
		service = "checkin-registry"
	}
	switch {
	case h.Status == "down":
		return fail(IDKioskRunning, title, detail+": it cannot check anyone in ("+h.Database+")",
			"journalctl -u "+service+"; see the database and free disk lines"), h
	case cfg.Version != "" && h.Version != "" && h.Version != cfg.Version:
		return warn(IDKioskRunning, title, detail+": this checkin is version "+cfg.Version,
			"systemctl restart "+service+" (it still runs the version from before the update)"), h
	}
	return ok(IDKioskRunning, title, detail), h
}

// shortErr drops the URL Go's HTTP client repeats in its errors.
func shortErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	return err.Error()
}

// checkListen checks that lobby TVs and desk PCs can reach the kiosk: an
// address off loopback, answering on the machine's network addresses.
func checkListen(ctx context.Context, cfg Config, running bool) Check {
	const title = "reachable from the network"
	if !cfg.LobbyTVs {
		return skip(IDListen, title, "no lobby TVs or desk PCs configured (CHECKIN_LOBBY_TVS)")
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fail(IDListen, title, fmt.Sprintf("--addr %q: %v", cfg.Addr, err), "set CHECKIN_ADDR=0.0.0.0:8080 in /etc/checkin/kiosk.env")
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return fail(IDListen, title, fmt.Sprintf("lobby TVs cannot reach %s: it is this machine's loopback address", cfg.Addr),
			"set CHECKIN_ADDR=0.0.0.0:"+port+" in /etc/checkin/kiosk.env, then systemctl restart checkin-kiosk")
	}
	ips, err := networkIPs(host)
	if err != nil {
		return fail(IDListen, title, err.Error(), "")
	}
	if len(ips) == 0 {
		return fail(IDListen, title, "this machine has no network address besides loopback", "connect it to the venue network (ip addr shows its addresses)")
	}
	if !running {
		return warn(IDListen, title, "cannot try it: the kiosk is not running", "start it (systemctl start checkin-kiosk) and run checkin doctor again")
	}
	var answered, silent []string
	for _, ip := range ips {
		base := "http://" + net.JoinHostPort(ip.String(), port)
		if _, err := getHealth(ctx, base); err != nil {
			silent = append(silent, base)
			continue
		}
		answered = append(answered, base+"/lobby")
	}
	if len(answered) == 0 {
		return fail(IDListen, title, "nothing answers at "+strings.Join(silent, ", "),
			"check CHECKIN_ADDR (0.0.0.0:"+port+" serves every address) and the firewall (port "+port+"/tcp)")
	}
	return ok(IDListen, title, "lobby TVs open "+strings.Join(answered, " or "))
}

// networkIPs returns the machine's addresses TVs could use: host itself
// when the kiosk listens on one address, else every address that is not
// loopback or IPv6 link-local.
func networkIPs(host string) ([]net.IP, error) {
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
		return []net.IP{ip}, nil
	}
	if host != "" && net.ParseIP(host) == nil {
		ips, err := net.LookupIP(host)
		if err != nil {
			return nil, fmt.Errorf("--addr host %s: %v", host, err)
		}
		return ips, nil
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list network addresses: %v", err)
	}
	var ips []net.IP
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsMulticast() {
			continue
		}
		if host == "0.0.0.0" && n.IP.To4() == nil {
			continue // an IPv4-only listener
		}
		ips = append(ips, n.IP)
	}
	return ips, nil
}
