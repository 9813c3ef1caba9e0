package web_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"checkin/kiosk/web"
)

func TestHubEventAudiences(t *testing.T) {
	pub, priv := []byte("public"), []byte("private")
	cases := []struct {
		name string
		ev   web.Event
		want [3]string // Public, Private, Staff
	}{
		{"for everyone", web.Event{Public: pub}, [3]string{"public", "public", "public"}},
		{"tap", web.Event{Public: pub, Private: priv}, [3]string{"public", "private", "private"}},
		{"desk reader", web.Event{Private: priv, StaffOnly: true}, [3]string{"", "", "private"}},
	}
	for _, tc := range cases {
		for a, want := range tc.want {
			if got := string(tc.ev.Data(web.Audience(a))); got != want {
				t.Errorf("%s for audience %d: got %q, want %q", tc.name, a, got, want)
			}
		}
	}
}

func TestHubSubscribers(t *testing.T) {
	h := web.NewHub()
	h.Buffer = 4
	a, err := h.Subscribe("192.0.2.7", 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe("192.0.2.7", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe("192.0.2.7", 2); !errors.Is(err, web.ErrTooMany) {
		t.Errorf("third stream from one address: %v, want ErrTooMany", err)
	}
	if _, err := h.Subscribe("127.0.0.1", 0); err != nil {
		t.Errorf("no limit: %v", err)
	}
	h.Unsubscribe(a)
	h.Unsubscribe(a)
	if _, err := h.Subscribe("192.0.2.7", 2); err != nil {
		t.Errorf("after one left: %v", err)
	}
	if h.Len() != 3 {
		t.Errorf("Len = %d, want 3", h.Len())
	}

	s, _ := h.Subscribe("192.0.2.8", 0)
	for i := range 3 {
		h.Publish(web.Event{Public: []byte{byte('a' + i)}})
	}
	evs, wake, err := s.Next(nil)
	if err != nil || len(evs) != 3 || string(evs[0].Public)+string(evs[2].Public) != "ac" {
		t.Fatalf("Next = %v, %v; want a, b, c", evs, err)
	}
	select {
	case <-wake:
		t.Fatal("woken with nothing new")
	default:
	}
	h.Publish(web.Event{Public: []byte("d")})
	<-wake
	for range 5 { // one more than Buffer
		h.Publish(web.Event{Public: []byte("x")})
	}
	if _, _, err := s.Next(nil); !errors.Is(err, web.ErrTooSlow) {
		t.Errorf("6 events behind with Buffer 4: %v, want ErrTooSlow", err)
	}
	h.Close()
	if _, _, err := a.Next(nil); !errors.Is(err, web.ErrHubClosed) {
		t.Errorf("Next after Close: %v", err)
	}
	if _, err := h.Subscribe("192.0.2.9", 0); !errors.Is(err, web.ErrHubClosed) {
		t.Errorf("Subscribe after Close: %v", err)
	}
}

// TestHubConcurrent: readers that keep up get every event of every
// publisher, each publisher's in order, while publishers run at once.
func TestHubConcurrent(t *testing.T) {
	const publishers, each, readers = 4, 500, 6
	h := web.NewHub()
	h.Buffer = publishers * each
	subs := make([]*web.Subscriber, readers)
	for i := range subs {
		subs[i], _ = h.Subscribe("127.0.0.1", 0)
	}
	var wg sync.WaitGroup
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := make([]int, publishers)
			var evs []web.Event
			for got := 0; got < publishers*each; {
				var wake <-chan struct{}
				var err error
				evs, wake, err = subs[r].Next(evs[:0])
				if err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
				for _, ev := range evs {
					var p, i int
					fmt.Sscanf(string(ev.Public), "%d/%d", &p, &i)
					if i != next[p] {
						t.Errorf("reader %d: publisher %d's event %d, want %d", r, p, i, next[p])
						return
					}
					next[p]++
					got++
				}
				if got < publishers*each {
					<-wake
				}
			}
		}()
	}
	var pw sync.WaitGroup
	for p := range publishers {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := range each {
				h.Publish(web.Event{Public: fmt.Appendf(nil, "%d/%d", p, i)})
			}
		}()
	}
	pw.Wait()
	wg.Wait()
}
