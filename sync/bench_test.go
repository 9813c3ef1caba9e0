package sync_test

import (
	"fmt"
	"strings"
	"testing"

	wire "checkin/sync"
)

// BenchmarkDecodeChangesPage: a full page of a first sync (delegates, then
// their badges) as the registry writes it, decoded into domain changes.
func BenchmarkDecodeChangesPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"changes":[`)
	for i := range wire.MaxPage {
		if i > 0 {
			sb.WriteByte(',')
		}
		if i < wire.MaxPage/2 {
			fmt.Fprintf(&sb, `{"seq":%d,"kind":"delegate","op":"upsert","data":{"id":"D%06d","family_name":"Müller","given_name":"Jürgen %d",`+
				`"organization":"Administration","country":"CH","role":"delegate","groups":["SG12","Q2/12"],"status":"registered","language":"en"}}`, i+1, i, i)
		} else {
			fmt.Fprintf(&sb, `{"seq":%d,"kind":"badge","op":"upsert","data":{"uid":"%010X","delegate_id":"D%06d","revoked":false}}`, i+1, i, i-wire.MaxPage/2)
		}
	}
	fmt.Fprintf(&sb, `],"next":%d,"more":true}`, wire.MaxPage)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, changes, skipped, err := wire.DecodeChangesPage(data)
		if err != nil || skipped != 0 || len(changes) != wire.MaxPage {
			b.Fatalf("%d changes, %d skipped, %v", len(changes), skipped, err)
		}
	}
}
