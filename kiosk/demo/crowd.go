package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Crowd is a large generated roster for load rehearsals (`checkin soak`):
// delegates of the demo's delegations, in proportion to their sizes, with
// names in their own scripts, each with one RFID badge, confirmed and
// valid the whole meeting.
type Crowd struct {
	RosterCSV []byte   // the roster CSV of docs/imports.md, header RosterHeader
	IDs       []string // delegate ids, in roster order
	UIDs      []string // UIDs[i] is the badge of IDs[i]
}

// GenerateCrowd returns a crowd of n delegates; the same n and seed give
// the same crowd. Names repeat in a large crowd, as they do in life.
func GenerateCrowd(n int, seed uint64) Crowd {
	d, err := loadData()
	if err != nil {
		panic("demo: " + err.Error())
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	total := 0
	for _, c := range d.countries {
		total += c.Size
	}
	seenUID := map[string]bool{}
	emails := map[string]int{}
	people := make([]*person, 0, n)
	cr := Crowd{IDs: make([]string, 0, n), UIDs: make([]string, 0, n)}
	for i := range n {
		// A delegation drawn by its size.
		k := rng.IntN(total)
		var c country
		for _, c = range d.countries {
			if k -= c.Size; k < 0 {
				break
			}
		}
		pool := d.pools[c.Pool]
		p := &person{country: c.Code, role: "delegate", status: "confirmed", id: fmt.Sprintf("D%06d", i+1)}
		fam := pool.Family[rng.IntN(len(pool.Family))]
		if rng.IntN(100) < 45 {
			p.sex, p.family, p.given = "f", fam.F, pool.GivenF[rng.IntN(len(pool.GivenF))]
		} else {
			p.sex, p.family, p.given = "m", fam.M, pool.GivenM[rng.IntN(len(pool.GivenM))]
		}
		p.org, p.orgKind = pickOrg(rng, d, c, p.role)
		p.lang = pickLang(rng, c.Langs)
		p.groups = delegateGroups(rng, p, c)
		p.uids = []string{newUID(rng, seenUID)}
		p.email = email(p, emails)
		people = append(people, p)
		cr.IDs = append(cr.IDs, p.id)
		cr.UIDs = append(cr.UIDs, p.uids[0])
	}
	// No dates: valid for the whole meeting, whatever its dates.
	cr.RosterCSV = rosterCSV(people, time.Time{}) // start is used only for part-week dates
	return cr
}
