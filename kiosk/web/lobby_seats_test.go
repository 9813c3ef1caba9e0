package web_test

import "testing"

// TestLobbyRoomsInPage: the lobby page carries, for its script, the rooms
// with a capacity (in its building) as they are now, and none for a
// preview of another moment; the seat words come with the lobby's.
func TestLobbyRoomsInPage(t *testing.T) {
	f := newFixture(t)
	seedRoomDoors(t, f, 3, "en")
	scenarios := []scenario{
		{name: "rooms with a capacity", method: "GET", path: "/lobby", status: 200,
			want:   []string{`"rooms":[{"name":"Room K","building":"Varembé","floor":"2","capacity":3,"overflow":"Popov Room","inside":0,"seats_left":3,"full":false,"session":{"id":"s2"`, `"seats.left.one":"{n} seat left"`, `"seats.full":"Full"`},
			absent: []string{`"name":"Popov Room"`}},
		{name: "in Arabic", method: "GET", path: "/lobby?lang=ar", status: 200, want: []string{`"seats.left.two":"مقعدان شاغران"`}},
		{name: "another building", method: "GET", path: "/lobby?building=Tower", status: 200, want: []string{`"rooms":[]`}},
		{name: "its building", method: "GET", path: "/lobby?building=varemb%C3%A9", status: 200, want: []string{`"rooms":[{"name":"Room K"`}},
		{name: "a preview", method: "GET", path: "/lobby?at=" + lobbyAt("10:30"), status: 200, want: []string{`"rooms":null`}},
	}
	for _, sc := range scenarios {
		sc.run(t, f.url)
	}
}
