package doctor

import (
	"context"
	"net"
	"strings"
	"testing"
)

func TestLocalURL(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		":8080":          "http://127.0.0.1:8080",
		"[::]:8080":      "http://[::1]:8080",
		"10.1.2.3:8080":  "http://10.1.2.3:8080",
		"127.0.0.1:9000": "http://127.0.0.1:9000",
	} {
		if got, err := localURL(addr); err != nil || got != want {
			t.Errorf("localURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := localURL("8080"); err == nil {
		t.Error("localURL(8080): no error")
	}
}

func TestKioskNotRunning(t *testing.T) {
	addr := strings.TrimPrefix(closedURL(t), "http://")
	c, h := checkKioskRunning(context.Background(), Config{Addr: addr})
	wantCheck(t, c, Warn, "nothing answers at http://"+addr+" (connection refused)", "systemctl status checkin-kiosk")
	if h != nil {
		t.Errorf("health %+v from nothing", h)
	}
}

func TestListenAddress(t *testing.T) {
	if c := checkListen(context.Background(), Config{Addr: "0.0.0.0:8080"}, true); c.Status != Skip {
		t.Errorf("no lobby TVs: %s, want skip", c.Status)
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		wantCheck(t, checkListen(context.Background(), Config{Addr: addr, LobbyTVs: true}, true), Fail,
			"lobby TVs cannot reach "+addr, "set CHECKIN_ADDR=0.0.0.0:8080 in /etc/checkin/kiosk.env")
	}
	ips, err := networkIPs("0.0.0.0")
	if err != nil {
		t.Fatal(err)
	}
	c := checkListen(context.Background(), Config{Addr: "0.0.0.0:8080", LobbyTVs: true}, false)
	if len(ips) == 0 {
		wantCheck(t, c, Fail, "no network address besides loopback", "")
		return
	}
	wantCheck(t, c, Warn, "the kiosk is not running", "systemctl start checkin-kiosk")
	for _, ip := range ips {
		if ip.IsLoopback() || ip.To4() == nil {
			t.Errorf("networkIPs(0.0.0.0) has %s", ip)
		}
	}
	// An address nothing listens on, with the kiosk "running" elsewhere.
	port := strings.TrimPrefix(closedURL(t), "http://127.0.0.1:")
	c = checkListen(context.Background(), Config{Addr: net.JoinHostPort(ips[0].String(), port), LobbyTVs: true}, true)
	wantCheck(t, c, Fail, "nothing answers at http://"+net.JoinHostPort(ips[0].String(), port), "firewall")
}
