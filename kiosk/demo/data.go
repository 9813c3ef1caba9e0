package demo

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// The name pools, delegations and organizations live in data files so that
// they can be read and corrected by people who know the names; see the
// comments at the top of each file.
//
//go:embed data/*.csv
var dataFS embed.FS

// country is one delegation (a row of countries.csv).
type country struct {
	Code  string
	Name  string
	Pool  string
	Langs []string
	Size  int
	BSG   bool
	City  string
}

// namePool holds the names of one pool (names.csv).
type namePool struct {
	Script string
	Family []familyName
	GivenM []string
	GivenF []string
}

// familyName is a family name with its masculine and feminine forms, which
// are the same for most languages.
type familyName struct{ M, F string }

// org is an organization of orgs.csv.
type org struct{ Country, Kind, Name string }

// featuredPerson is a row of featured.csv.
type featuredPerson struct{ Country, Family, Given, Sex, Role string }

// dataset is everything read from the data files.
type dataset struct {
	countries []country
	pools     map[string]*namePool
	orgs      []org
	featured  []featuredPerson
}

// loadData reads the embedded data once; the files ship with the binary, so
// an error is a bug that the package tests catch.
var loadData = sync.OnceValues(func() (*dataset, error) {
	d := &dataset{pools: map[string]*namePool{}}

	rows, err := readData("data/countries.csv", "code,name,pool,langs,size,bsg,city")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		size, err := strconv.Atoi(r.f[4])
		if err != nil || size < 1 {
			return nil, fmt.Errorf("data/countries.csv:%d: bad size %q", r.line, r.f[4])
		}
		if len(r.f[0]) != 2 || strings.ToUpper(r.f[0]) != r.f[0] {
			return nil, fmt.Errorf("data/countries.csv:%d: bad country code %q", r.line, r.f[0])
		}
		d.countries = append(d.countries, country{
			Code: r.f[0], Name: r.f[1], Pool: r.f[2], Langs: strings.Split(r.f[3], "|"),
			Size: size, BSG: r.f[5] == "1", City: r.f[6],
		})
	}

	rows, err = readData("data/names.csv", "pool,script,kind,names")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p := d.pools[r.f[0]]
		if p == nil {
			p = &namePool{Script: r.f[1]}
			d.pools[r.f[0]] = p
		}
		names := strings.Split(r.f[3], "|")
		switch r.f[2] {
		case "family":
			for _, n := range names {
				m, f, ok := strings.Cut(n, "/")
				if !ok {
					f = m
				}
				p.Family = append(p.Family, familyName{M: m, F: f})
			}
		case "given_m":
			p.GivenM = append(p.GivenM, names...)
		case "given_f":
			p.GivenF = append(p.GivenF, names...)
		default:
			return nil, fmt.Errorf("data/names.csv:%d: unknown kind %q", r.line, r.f[2])
		}
	}
	for name, p := range d.pools {
		if len(p.Family) == 0 || len(p.GivenM) == 0 || len(p.GivenF) == 0 {
			return nil, fmt.Errorf("data/names.csv: pool %s lacks family, given_m or given_f names", name)
		}
	}
	for _, c := range d.countries {
		if d.pools[c.Pool] == nil {
			return nil, fmt.Errorf("data/countries.csv: %s uses unknown name pool %q", c.Code, c.Pool)
		}
	}

	rows, err = readData("data/orgs.csv", "country,kind,name")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{"*": true}
	for _, c := range d.countries {
		known[c.Code] = true
	}
	for _, r := range rows {
		if !known[r.f[0]] || (r.f[1] == "press" && r.f[0] == "*") {
			return nil, fmt.Errorf("data/orgs.csv:%d: country %q is not a delegation", r.line, r.f[0])
		}
		d.orgs = append(d.orgs, org{Country: r.f[0], Kind: r.f[1], Name: r.f[2]})
	}

	rows, err = readData("data/featured.csv", "country,family,given,sex,role")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if !known[r.f[0]] || r.f[0] == "*" {
			return nil, fmt.Errorf("data/featured.csv:%d: country %q is not a delegation", r.line, r.f[0])
		}
		d.featured = append(d.featured, featuredPerson{Country: r.f[0], Family: r.f[1], Given: r.f[2], Sex: r.f[3], Role: r.f[4]})
	}
	return d, nil
})

// dataRow is one record of a data file with its line number.
type dataRow struct {
	line int
	f    []string
}

// readData reads an embedded CSV data file whose first record must be header;
// lines starting with # are comments.
func readData(name, header string) ([]dataRow, error) {
	f, err := dataFS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	first, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if strings.Join(first, ",") != header {
		return nil, fmt.Errorf("%s: header %q, want %q", name, strings.Join(first, ","), header)
	}
	var rows []dataRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, dataRow{line: line, f: rec})
	}
}
