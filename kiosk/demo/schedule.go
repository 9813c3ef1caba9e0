package demo

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// session is one row of the generated schedule.
type session struct {
	day        int // 1-based meeting day
	start, end string
	room       string
	title      string
	groups     []string
	status     string
	movedFrom  string // the room of the first published schedule, if it moved
}

// Session statuses in the schedule CSV.
const (
	statusScheduled = "scheduled"
	statusCancelled = "cancelled"
)

// Rooms of ITU headquarters used by the demo, with their buildings.
const (
	roomPopov      = "Popov Room"
	roomB          = "Room B"
	roomC          = "Room C"
	roomD          = "Room D" // only in the first published schedule
	roomE          = "Room E"
	roomH          = "Room H"
	roomK          = "Room K"
	roomL          = "Room L"
	roomReception  = "Montbrillant reception"
	roomRestaurant = "8th Floor Restaurant"
)

var buildings = map[string]string{
	roomPopov:      "Tower",
	roomB:          "Tower",
	roomC:          "Tower",
	roomD:          "Tower",
	roomRestaurant: "Tower",
	roomE:          "Montbrillant",
	roomH:          "Montbrillant",
	roomReception:  "Montbrillant",
	roomK:          "Varembé",
	roomL:          "Varembé",
}

// capacities are the meeting rooms' seats (the reception and the
// restaurant have none), and overflow the room each sends people to when
// full.
var capacities = map[string]int{roomPopov: 300, roomB: 120, roomC: 80, roomD: 60, roomE: 60, roomH: 200, roomK: 40, roomL: 40}

var overflow = map[string]string{roomK: roomL, roomL: roomK, roomC: roomB, roomE: roomH}

// roomsCSV is the rooms file of the demo venue (no name holds a comma or
// a quote).
func roomsCSV() []byte {
	var b strings.Builder
	b.WriteString("room,building,floor,capacity,overflow\n")
	for _, r := range slices.Sorted(maps.Keys(buildings)) {
		seats := ""
		if n := capacities[r]; n > 0 {
			seats = strconv.Itoa(n)
		}
		b.WriteString(strings.Join([]string{r, buildings[r], "", seats, overflow[r]}, ",") + "\n")
	}
	return []byte(b.String())
}

// parallelRooms host the Question sessions, in this order.
var parallelRooms = []string{roomPopov, roomB, roomC, roomK, roomL, roomE}

// questionTitles are short titles of SG12's Questions.
var questionTitles = map[int]string{
	1:  "SG12 work programme and QoS/QoE coordination",
	2:  "Definitions, guides and frameworks related to QoS/QoE",
	3:  "Speech transmission characteristics of terminals",
	4:  "Objective methods for speech and audio evaluation in vehicles",
	5:  "Telephonometric methodologies for handset and headset terminals",
	6:  "Analysis methods using complex measurement signals",
	7:  "Subjective assessment of speech, audio and audiovisual quality",
	8:  "Virtualized deployment of QoS and QoE assessment methods",
	9:  "Perceptual-based objective methods for voice, audio and visual quality",
	10: "Conferencing and telemeeting assessment",
	11: "End-to-end performance of interconnected networks",
	12: "Operational aspects of telecommunication service quality",
	13: "QoE, QoS and performance requirements for multimedia",
	14: "Models and tools for quality assessment of packet-based video",
	15: "Planning, prediction and monitoring of conversational speech quality",
	16: "Framework for diagnostic functions",
	17: "Performance of packet-based networks and other networking technologies",
	18: "End-to-end QoS for advanced television technologies",
	19: "Audiovisual quality in multimedia and television services",
}

// Half-day blocks of the working days (SG12's usual hours).
const (
	morningStart, morningEnd     = "09:00", "12:30"
	afternoonStart, afternoonEnd = "14:00", "17:30"
)

// sessions lays out the week, modelled on the SG12 timetable: plenary and
// working-party openings on day 1, Questions in parallel rooms, the BSG
// training and the newcomers' session on day 2, working parties closing in
// turn on day 7, the closing plenary and results webinar on day 8.
func sessions() []session {
	var ss []session
	add := func(day int, start, end, room, title string, groups ...string) int {
		ss = append(ss, session{day: day, start: start, end: end, room: room, title: title, groups: groups, status: statusScheduled})
		return len(ss) - 1
	}
	management := func(day int, start, end string) {
		add(day, start, end, roomK, "SG12 management team meeting", groupManagement)
	}

	// Questions 3 to 19 take turns in the parallel rooms; parallel returns
	// the indexes of the sessions it adds, room by room.
	next := 0
	parallel := func(day int, start, end string) []int {
		var block []int
		for _, room := range parallelRooms {
			q := 3 + next%17
			next++
			block = append(block, add(day, start, end, room, question(q)+": "+questionTitles[q], question(q)))
		}
		return block
	}

	// Day 1: opening.
	management(1, "09:00", "10:15")
	add(1, "10:30", "11:00", roomReception, "Welcome for newcomers and guided tour of ITU (meet at Montbrillant reception)", groupNewcomers)
	add(1, "11:00", "12:30", roomPopov, "SG12 opening plenary")
	add(1, "14:00", "15:10", roomPopov, "WP1/12 opening plenary", "WP1/12")
	add(1, "15:10", "16:20", roomPopov, "WP2/12 opening plenary", "WP2/12")
	add(1, "16:20", "17:30", roomPopov, "WP3/12 opening plenary", "WP3/12")

	// Day 2 (today in the demo): Questions in parallel, BSG training,
	// newcomers' session; one session moved, one cancelled.
	management(2, "08:00", "08:45")
	morning := parallel(2, morningStart, morningEnd)
	ss[morning[3]].movedFrom = roomD
	add(2, "09:30", morningEnd, roomH, "BSG hands-on training for delegates from developing countries (part 1)", groupBSG)
	add(2, "13:00", "14:00", roomE, "Newcomers' information session with the SG12 management team", groupNewcomers, groupManagement)
	afternoon := parallel(2, afternoonStart, afternoonEnd)
	ss[afternoon[4]].status = statusCancelled
	add(2, afternoonStart, afternoonEnd, roomH, "BSG hands-on training for delegates from developing countries (part 2)", groupBSG)

	// Day 3: Questions, social event in the evening.
	parallel(3, morningStart, morningEnd)
	parallel(3, afternoonStart, afternoonEnd)
	add(3, "18:30", "20:30", roomRestaurant, "SG12 social event: reception hosted by the host delegations")

	// Day 4: Questions in the morning, Q1/12 and Q2/12 in the afternoon.
	parallel(4, morningStart, morningEnd)
	add(4, "14:00", "15:45", roomPopov, question(1)+": "+questionTitles[1], question(1))
	add(4, "15:45", afternoonEnd, roomPopov, question(2)+": "+questionTitles[2], question(2))

	// Days 5 and 6: Questions.
	management(5, "08:00", "08:45")
	for d := 5; d <= 6; d++ {
		parallel(d, morningStart, morningEnd)
		parallel(d, afternoonStart, afternoonEnd)
	}

	// Day 7: the working parties close in turn.
	management(7, "08:00", "08:45")
	add(7, morningStart, morningEnd, roomPopov, "WP3/12 closing plenary", "WP3/12")
	add(7, "14:00", "15:45", roomPopov, "WP2/12 closing plenary", "WP2/12")
	add(7, "15:45", afternoonEnd, roomPopov, "WP1/12 closing plenary", "WP1/12")

	// Day 8: closing plenary and results webinar.
	management(8, "09:00", "10:30")
	add(8, "10:30", "12:00", roomPopov, "SG12 closing plenary")
	add(8, "13:30", "15:30", roomPopov, "SG12 closing plenary (continued)")
	add(8, "15:45", "16:30", roomPopov, "Meeting results webinar (online and in the Popov Room)")

	slices.SortStableFunc(ss, func(a, b session) int {
		return cmp.Or(cmp.Compare(a.day, b.day), strings.Compare(a.start, b.start),
			slices.Index(roomOrder, a.room)-slices.Index(roomOrder, b.room))
	})
	return ss
}

// roomOrder sorts the rooms of a time slot for readability.
var roomOrder = []string{roomPopov, roomB, roomC, roomK, roomL, roomE, roomH, roomReception, roomRestaurant}

// scheduleCSV renders the week as the schedule CSV of docs/imports.md for a meeting
// starting on start: as first published (sessions that moved in their first
// room) or as it is now.
func scheduleCSV(start time.Time, first bool) []byte {
	records := [][]string{ScheduleHeader}
	for _, s := range sessions() {
		room := s.room
		if first && s.movedFrom != "" {
			room = s.movedFrom
		}
		records = append(records, []string{
			day(start, s.day), s.start, s.end, room, s.title,
			strings.Join(s.groups, ";"), buildings[room], s.status,
		})
	}
	return writeCSV(records)
}
