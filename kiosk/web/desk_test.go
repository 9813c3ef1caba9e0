package web_test

import (
	"context"
	"strings"
	"testing"
)

// TestDeskBindReplaceFailsWhole: a bind with replace whose revocation fails
// tells the client it failed, and indeed nothing happened: the new badge is
// not bound, the old one not revoked, nothing is queued for the registry
// and the audit log tells of no bind.
func TestDeskBindReplaceFailsWhole(t *testing.T) {
	f := staffFixture(t)
	b := newBrowser(t, f.url)
	b.login("dana", "correct horse battery")
	ctx := context.Background()
	write := f.db.Writer
	if _, err := write.Exec(`CREATE TRIGGER injected_failure BEFORE UPDATE OF revoked ON badges WHEN NEW.revoked = 1
		BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`); err != nil {
		t.Fatal(err)
	}
	outbox, _ := f.db.Outbox(ctx)
	audit, _ := f.db.AuditLog(ctx, 100)

	resp, body := b.api("POST", "/api/delegates/D1/badges", `{"uid":"04A1B2C3D4E5F6","replace":true}`)
	if resp.StatusCode != 500 || !strings.Contains(body, `"code":"internal"`) || strings.Contains(body, "disk on fire") {
		t.Fatalf("bind with a failing revocation: %d %s, want 500 internal, the cause logged, not shown", resp.StatusCode, body)
	}
	_, card := b.api("GET", "/api/delegates/D1", "")
	if strings.Contains(card, "04A1B2C3D4E5F6") || strings.Contains(card, `"revoked":true`) {
		t.Errorf("card after a failed bind: %s", card)
	}
	if after, _ := f.db.Outbox(ctx); after != outbox {
		t.Errorf("outbox %+v after a failed bind, want %+v", after, outbox)
	}
	if after, _ := f.db.AuditLog(ctx, 100); len(after) != len(audit) {
		t.Errorf("audit log grew by %+v", after[:len(after)-len(audit)])
	}
	if st, err := f.db.LookupBadge(ctx, "0A0B0C0D0E"); err != nil || !st.Known || st.Revoked {
		t.Errorf("the old badge after a failed replace: %+v %v, want it bound as before", st, err)
	}
}
