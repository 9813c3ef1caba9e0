package osdp

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Conn is an OSDP bus as the panel sees it: a serial port whose Read
// returns (0, nil) when its read timeout passes with nothing received.
// The timeout bounds how late a missing reply is noticed; 10 ms is usual.
type Conn interface {
	io.Reader
	io.Writer
}

// KeyStore keeps the keys a panel sets with osdp_KEYSET. Pending is called
// with the fresh key before it is sent and Commit once the reader has
// acknowledged it, so that a panel that dies in between can still try
// the pending key at its next start.
type KeyStore interface {
	Pending(Key) error
	Commit(Key) error
}

// ReaderConfig is one reader (peripheral device) on a bus.
type ReaderConfig struct {
	Addr byte // 0–126
	// Secure runs the reader in Secure Channel; without it, plain OSDP.
	Secure bool
	// Keys are the SCBKs to try in order: the stored key, then a key
	// pending from an install that was cut short.
	Keys []Key
	// Committed is how many of Keys (at their start) the Store holds as
	// committed; a later key that opens the channel is committed then.
	Committed int
	// Install lets the panel fall back to SCBK-D when no key in Keys
	// works, and then set a fresh random key, kept through Store.
	Install bool
	Store   KeyStore
}

// Reader states (Status.State).
const (
	StateOffline = "offline" // no reply (yet): unpowered, wrong address, wrong baud, cut wire
	StateOnline  = "online"  // replying; with Secure, inside an established secure channel
	StateError   = "error"   // replying but unusable: secure channel refused or not offered
)

// Secure channel states (Status.Secure).
const (
	SecureOff     = "off"        // plain OSDP (secure=off)
	SecureConnect = "connecting" // not (yet) established
	SecureUp      = "up"
	SecureRefused = "refused" // the reader refused every key the panel has
)

// NoReplyYet is the Error of a reader not heard from since its line opened.
const NoReplyYet = "no reply yet"

// Status is a reader's state and counters, as the panel sees them.
type Status struct {
	State        string `json:"state"`
	Secure       string `json:"secure"`
	Error        string `json:"error,omitempty"`    // why the reader is not online
	LastNAK      string `json:"last_nak,omitempty"` // the last NAK, in words
	ID           string `json:"id,omitempty"`       // from osdp_PDID
	Tamper       bool   `json:"tamper"`
	PowerFailure bool   `json:"power_failure"`
	Stats
}

// Stats count a reader's traffic; they only grow.
type Stats struct {
	Polls      uint64 `json:"polls"`       // osdp_POLL commands sent
	Replies    uint64 `json:"replies"`     // good replies received
	Timeouts   uint64 `json:"timeouts"`    // commands that got no reply in time
	CRCErrors  uint64 `json:"crc_errors"`  // packets with a bad CRC or checksum
	BadReplies uint64 `json:"bad_replies"` // framing errors, bad MACs, replies that make no sense
	NAKs       uint64 `json:"naks"`
	CardReads  uint64 `json:"card_reads"`
	Garbage    uint64 `json:"garbage"` // bytes on the line outside any packet
}

// Bus timing defaults.
const (
	DefaultPollInterval = 20 * time.Millisecond
	// DefaultReplyTimeout is libosdp's OSDP_RESP_TOUT_MS; the bus adds the
	// time a long reply takes on the wire at its baud rate.
	DefaultReplyTimeout = 200 * time.Millisecond
	// Tries is how many times a command is sent before the reader is
	// offline (the first time and two retries, with the same sequence
	// number so that the reader answers a repeat with its last reply).
	// An offline reader's probe is sent once.
	Tries = 3
	// OfflineRetry is how long an offline reader first waits for its next
	// probe, doubling up to MaxOfflineRetry while it stays silent: a
	// reader back is noticed within seconds, and each dead one costs its
	// neighbours one reply timeout every few seconds.
	OfflineRetry    = time.Second
	MaxOfflineRetry = 5 * time.Second
	// RefusedRetry spaces secure-channel attempts at a reader that
	// refused the panel's keys.
	RefusedRetry = 10 * time.Second
)

// Bus is the control panel of one RS-485 line: it polls its readers in
// turn, each in its own session. Configure the exported fields, then call
// Run; Feedback and Status may be called from any goroutine.
type Bus struct {
	Conn    Conn
	Readers []ReaderConfig
	// Baud is the line's rate, used to stretch the reply timeout.
	Baud int
	// PollInterval is the least time between two polls of one reader;
	// zero means DefaultPollInterval, negative none.
	PollInterval time.Duration
	ReplyTimeout time.Duration // zero means DefaultReplyTimeout
	// OnCard receives each card read (osdp_RAW) of reader i, synchronously
	// on the bus goroutine.
	OnCard func(i int, c CardRead)
	// OnText receives each card number a reader sent as text (osdp_FMT):
	// the head that read it and the characters.
	OnText func(i int, head byte, text string)
	// OnStatus receives reader i's status whenever its state, secure
	// channel, error, tamper or power changes.
	OnStatus func(i int, s Status)
	Logger   *slog.Logger
	Rand     io.Reader // nil means crypto/rand

	once sync.Once
	wake chan struct{}
	mu   sync.Mutex
	devs []*device
	spl  Splitter
	rbuf []byte
	wbuf []byte
}

// phases of a reader's session.
type phase int

const (
	phaseID phase = iota
	phaseCap
	phaseChallenge
	phaseKeySet
	phaseOnline
)

// device is one reader's session. Fields under "bus goroutine" belong to
// Run; status and feedback are guarded by Bus.mu.
type device struct {
	cfg ReaderConfig

	// bus goroutine
	phase    phase
	seq      byte
	crc      bool
	next     time.Time // when it is due
	keyIdx   int       // index into keys being tried; len(keys) is SCBK-D
	keys     []Key
	sess     *Session
	wantStat bool          // ask osdp_LSTAT once online
	silent   bool          // offline: probed with one try, so that it holds up the line for one timeout only
	wait     time.Duration // until the next probe while silent

	// Bus.mu
	status   Status
	feedback []feedback
}

type feedback struct {
	head     byte
	accepted bool
}

func (b *Bus) setup() {
	b.wake = make(chan struct{}, 1)
	b.rbuf = make([]byte, 512)
	for _, cfg := range b.Readers {
		d := &device{cfg: cfg, crc: true, keys: append([]Key(nil), cfg.Keys...)}
		d.status = Status{State: StateOffline, Secure: SecureOff, Error: NoReplyYet}
		if cfg.Secure {
			d.status.Secure = SecureConnect
		}
		b.devs = append(b.devs, d)
	}
}

// Status returns reader i's status and counters.
func (b *Bus) Status(i int) Status {
	b.once.Do(b.setup)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.devs[i].status
}

// Feedback queues the LED and buzzer answer to a decided tap for reader
// i's head (the CardRead's Reader). It never blocks: the bus sends it
// between polls, and drops the oldest when taps come faster than that.
func (b *Bus) Feedback(i int, head byte, accepted bool) {
	b.once.Do(b.setup)
	b.mu.Lock()
	d := b.devs[i]
	if len(d.feedback) >= 4 {
		d.feedback = d.feedback[1:]
	}
	d.feedback = append(d.feedback, feedback{head, accepted})
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// errTimeout is an exchange that got no reply after every try.
var errTimeout = errors.New("no reply")

// errLine is a failure of the port itself: Run returns it.
type errLine struct{ err error }

func (e errLine) Error() string { return e.err.Error() }
func (e errLine) Unwrap() error { return e.err }

// Run polls the readers until ctx is done (it returns nil) or the port
// fails (it returns the error, and the caller reopens the port and calls
// Run again: sessions start over, counters carry on).
func (b *Bus) Run(ctx context.Context) error {
	b.once.Do(b.setup)
	now := time.Now()
	for i, d := range b.devs {
		d.phase, d.sess, d.next = phaseID, nil, now
		b.update(i, func(s *Status) {
			s.State, s.Error = StateOffline, NoReplyYet
			if d.cfg.Secure {
				s.Secure = SecureConnect
			}
		})
	}
	b.spl.Reset()
	for ctx.Err() == nil {
		now := time.Now()
		earliest := now.Add(time.Second)
		for i, d := range b.devs {
			if b.hasFeedback(d) && d.phase == phaseOnline {
				d.next = now
			}
			if d.next.After(now) {
				earliest = minTime(earliest, d.next)
				continue
			}
			if err := b.step(ctx, i, d); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				var le errLine
				if errors.As(err, &le) {
					return le.err
				}
				return err
			}
			earliest = minTime(earliest, d.next)
			now = time.Now()
		}
		if wait := time.Until(earliest); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
			case <-b.wake:
			case <-t.C:
			}
			t.Stop()
		}
	}
	return nil
}

func minTime(a, c time.Time) time.Time {
	if c.Before(a) {
		return c
	}
	return a
}

func (b *Bus) hasFeedback(d *device) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(d.feedback) > 0
}

func (b *Bus) pollInterval() time.Duration {
	switch {
	case b.PollInterval < 0:
		return 0
	case b.PollInterval == 0:
		return DefaultPollInterval
	}
	return b.PollInterval
}

func (b *Bus) replyTimeout() time.Duration {
	t := b.ReplyTimeout
	if t <= 0 {
		t = DefaultReplyTimeout
	}
	if b.Baud > 0 {
		t += time.Duration(128*10) * time.Second / time.Duration(b.Baud) // 128 bytes of 10 bits
	}
	return t
}

func (b *Bus) logger() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.Default()
}

func (b *Bus) random(p []byte) error {
	r := b.Rand
	if r == nil {
		r = rand.Reader
	}
	_, err := io.ReadFull(r, p)
	return err
}

// step does what reader i is due for: one stage of its session set-up, or
// when online its feedback or a poll.
func (b *Bus) step(ctx context.Context, i int, d *device) error {
	var err error
	switch d.phase {
	case phaseID:
		err = b.identify(ctx, i, d)
	case phaseCap:
		err = b.capabilities(ctx, i, d)
	case phaseChallenge:
		err = b.challenge(ctx, i, d)
	case phaseKeySet:
		err = b.setKey(ctx, i, d)
	case phaseOnline:
		err = b.online(ctx, i, d)
	}
	var le errLine
	switch {
	case err == nil, errors.As(err, &le), ctx.Err() != nil:
		return err
	case errors.Is(err, errTimeout):
		b.offline(i, d, "no reply from the reader at address "+fmt.Sprint(d.cfg.Addr))
	default:
		// A reply that breaks the session (bad MAC, NAK in set-up,
		// nonsense): start over at once, as libosdp does after a
		// sequence or secure-channel NAK.
		b.logger().Warn("osdp reader session restarts", "addr", d.cfg.Addr, "err", err)
		d.phase, d.sess, d.next = phaseID, nil, time.Now().Add(b.pollInterval())
		b.update(i, func(s *Status) {
			s.Error = err.Error()
			if s.Secure == SecureUp {
				s.Secure = SecureConnect
			}
		})
	}
	return nil
}

// offline marks a reader that stopped answering; it is probed again after
// OfflineRetry (then longer), from the start of a session.
func (b *Bus) offline(i int, d *device, why string) {
	if d.silent {
		d.wait = min(2*d.wait, MaxOfflineRetry)
	} else {
		d.wait = OfflineRetry
	}
	d.phase, d.sess, d.next, d.silent = phaseID, nil, time.Now().Add(d.wait), true
	b.update(i, func(s *Status) {
		if s.State != StateError {
			s.State, s.Error = StateOffline, why
		}
		if s.Secure == SecureUp {
			s.Secure = SecureConnect
		}
	})
}

// update changes reader i's status under the lock and reports a change of
// anything but the counters.
func (b *Bus) update(i int, f func(*Status)) {
	b.mu.Lock()
	s := &b.devs[i].status
	before := *s
	f(s)
	after := *s
	b.mu.Unlock()
	before.Stats, after.Stats = Stats{}, Stats{}
	if before != after && b.OnStatus != nil {
		b.OnStatus(i, b.Status(i))
	}
}

func (b *Bus) count(i int, f func(*Stats)) {
	b.mu.Lock()
	f(&b.devs[i].status.Stats)
	b.mu.Unlock()
}

func (b *Bus) identify(ctx context.Context, i int, d *device) error {
	d.seq, d.sess = 0, nil // sequence 0 restarts the reader's side too (§5.7)
	r, err := b.exchange(ctx, i, d, CmdID, []byte{0}, nil)
	if err != nil {
		return err
	}
	d.silent = false
	if r.Code != ReplyPDID {
		return fmt.Errorf("osdp_ID answered with %#02x", r.Code)
	}
	id, err := ParsePDID(r.Data)
	if err != nil {
		return err
	}
	b.update(i, func(s *Status) { s.ID = id.String() })
	d.phase = phaseCap
	return nil
}

func (b *Bus) capabilities(ctx context.Context, i int, d *device) error {
	r, err := b.exchange(ctx, i, d, CmdCAP, []byte{0}, nil)
	if err != nil {
		return err
	}
	if r.Code != ReplyPDCAP {
		return fmt.Errorf("osdp_CAP answered with %#02x", r.Code)
	}
	caps, err := ParsePDCAP(r.Data)
	if err != nil {
		return err
	}
	d.crc = caps.CRC()
	switch {
	case !d.cfg.Secure:
		b.goOnline(i, d)
	case !caps.SecureChannel():
		b.refuse(i, d, SecureRefused, "the reader offers no secure channel: give secure=off to run it in plain OSDP")
	default:
		d.phase, d.keyIdx = phaseChallenge, 0
	}
	return nil
}

// refuse puts a reader in state error: it answers, but the panel will not
// take cards from it. It is tried again after RefusedRetry.
func (b *Bus) refuse(i int, d *device, secure, why string) {
	d.phase, d.sess, d.next = phaseID, nil, time.Now().Add(RefusedRetry)
	b.update(i, func(s *Status) { s.State, s.Secure, s.Error = StateError, secure, why })
	b.logger().Error("osdp reader refused", "addr", d.cfg.Addr, "why", why)
}

func (b *Bus) goOnline(i int, d *device) {
	d.phase, d.wantStat, d.next = phaseOnline, true, time.Now()
	b.update(i, func(s *Status) {
		s.State, s.Error = StateOnline, ""
		if d.sess != nil {
			s.Secure = SecureUp
		}
	})
}

// challenge runs the secure-channel handshake with the key being tried:
// osdp_CHLNG → osdp_CCRYPT, then osdp_SCRYPT → osdp_RMAC_I.
func (b *Bus) challenge(ctx context.Context, i int, d *device) error {
	key, install := SCBKD, true
	if d.keyIdx < len(d.keys) {
		key, install = d.keys[d.keyIdx], false
	} else if !d.cfg.Install || d.keyIdx > len(d.keys) {
		why := "secure channel refused: wrong key? (the reader took none of the keys it was offered; give its key with scbk=HEX32, or reset it to install mode and give scbk=install)"
		if len(d.keys) == 0 && !d.cfg.Install {
			why = "secure channel: no key for this reader (give scbk=HEX32 or scbk=install)"
		}
		b.refuse(i, d, SecureRefused, why)
		return nil
	}
	which := byte(1)
	if install {
		which = 0
	}
	var rndA [8]byte
	if err := b.random(rndA[:]); err != nil {
		return errLine{fmt.Errorf("random: %w", err)}
	}
	d.seq, d.sess = 0, nil // libosdp's panel restarts the sequence for a handshake
	r, err := b.exchange(ctx, i, d, CmdCHLNG, rndA[:], []byte{3, SCS11, which})
	if err != nil {
		return err
	}
	if r.Code != ReplyCCRYPT || len(r.Data) != 32 {
		d.keyIdx++ // a NAK here is how some readers refuse SCBK-D
		return nil
	}
	var rndB [8]byte
	copy(rndB[:], r.Data[8:16])
	keys := DeriveSessionKeys(key, rndA)
	want := keys.ClientCryptogram(rndA, rndB)
	if subtle.ConstantTimeCompare(want[:], r.Data[16:32]) != 1 {
		d.keyIdx++ // the reader has another key
		return nil
	}
	server := keys.ServerCryptogram(rndA, rndB)
	r, err = b.exchange(ctx, i, d, CmdSCRYPT, server[:], []byte{3, SCS13, which})
	if err != nil {
		return err
	}
	rmac := keys.InitialRMAC(server)
	if r.Code != ReplyRMACI || len(r.SCB) < 3 || r.SCB[2] != 1 || subtle.ConstantTimeCompare(rmac[:], r.Data) != 1 {
		d.keyIdx++
		return nil
	}
	d.sess = NewSession(keys, rmac)
	if !install && d.keyIdx >= d.cfg.Committed && d.cfg.Store != nil {
		// A key pending from an install cut short works: the reader has it.
		if err := d.cfg.Store.Commit(key); err != nil {
			b.logger().Error("osdp: cannot store the reader's key", "addr", d.cfg.Addr, "err", err)
		} else {
			d.cfg.Committed = d.keyIdx + 1
		}
	}
	if install {
		d.phase = phaseKeySet
		b.update(i, func(s *Status) { s.Error = "installing a key" })
		return nil
	}
	b.goOnline(i, d)
	return nil
}

// setKey sends osdp_KEYSET with a fresh random SCBK inside the SCBK-D
// session, and starts a new session with it once the reader has taken it.
func (b *Bus) setKey(ctx context.Context, i int, d *device) error {
	var k Key
	if err := b.random(k[:]); err != nil {
		return errLine{fmt.Errorf("random: %w", err)}
	}
	if d.cfg.Store == nil {
		b.refuse(i, d, SecureRefused, "scbk=install needs a place to keep the key")
		return nil
	}
	if err := d.cfg.Store.Pending(k); err != nil {
		b.refuse(i, d, SecureRefused, "cannot keep the new key: "+err.Error())
		return nil
	}
	data := append([]byte{1, KeySize}, k[:]...)
	r, err := b.exchange(ctx, i, d, CmdKEYSET, data, nil)
	if err != nil {
		return err
	}
	if r.Code != ReplyACK {
		b.refuse(i, d, SecureRefused, "the reader refused the new key ("+describe(r)+")")
		return nil
	}
	if err := d.cfg.Store.Commit(k); err != nil {
		b.logger().Error("osdp: the reader took a new key that could not be stored; it stays pending", "addr", d.cfg.Addr, "err", err)
	}
	b.logger().Info("osdp reader has a new secure-channel key", "addr", d.cfg.Addr)
	d.keys, d.keyIdx, d.sess, d.phase = []Key{k}, 0, nil, phaseChallenge
	d.cfg.Committed = 1
	return nil
}

func describe(r Packet) string {
	if r.Code == ReplyNAK && len(r.Data) > 0 {
		return NakText(r.Data[0])
	}
	return fmt.Sprintf("reply %#02x", r.Code)
}

// online sends a reader its pending feedback, its first osdp_LSTAT, or a
// poll, and handles the reply.
func (b *Bus) online(ctx context.Context, i int, d *device) error {
	b.mu.Lock()
	var fb *feedback
	if len(d.feedback) > 0 {
		f := d.feedback[0]
		d.feedback = d.feedback[1:]
		fb = &f
	}
	b.mu.Unlock()
	if fb != nil {
		led, buz := Feedback(fb.accepted)
		led.Reader, buz.Reader = fb.head, fb.head
		if err := b.command(ctx, i, d, CmdLED, led.Data()); err != nil {
			return err
		}
		return b.command(ctx, i, d, CmdBUZ, buz.Data())
	}
	if d.wantStat {
		d.wantStat = false
		return b.command(ctx, i, d, CmdLSTAT, nil)
	}
	d.next = time.Now().Add(b.pollInterval())
	b.count(i, func(s *Stats) { s.Polls++ })
	return b.command(ctx, i, d, CmdPOLL, nil)
}

// command sends an online command and handles whatever the reader
// answers: a poll may bring a card read or a status report.
func (b *Bus) command(ctx context.Context, i int, d *device, code byte, data []byte) error {
	r, err := b.exchange(ctx, i, d, code, data, nil)
	if err != nil {
		return err
	}
	switch r.Code {
	case ReplyACK:
	case ReplyRAW:
		c, err := ParseRAW(r.Data)
		if err != nil {
			b.count(i, func(s *Stats) { s.BadReplies++ })
			b.logger().Warn("osdp reader sent a bad card read", "addr", d.cfg.Addr, "err", err)
			return nil
		}
		b.count(i, func(s *Stats) { s.CardReads++ })
		if b.OnCard != nil {
			b.OnCard(i, c)
		}
	case ReplyFMT:
		head, text, err := ParseFMT(r.Data)
		if err != nil {
			b.count(i, func(s *Stats) { s.BadReplies++ })
			b.logger().Warn("osdp reader sent a bad card read", "addr", d.cfg.Addr, "err", err)
			return nil
		}
		b.count(i, func(s *Stats) { s.CardReads++ })
		if b.OnText != nil {
			b.OnText(i, head, text)
		}
	case ReplyLSTATR:
		st, err := ParseLSTATR(r.Data)
		if err != nil {
			b.count(i, func(s *Stats) { s.BadReplies++ })
			return nil
		}
		b.update(i, func(s *Status) { s.Tamper, s.PowerFailure = st.Tamper, st.PowerFailure })
	case ReplyNAK:
		return b.nak(i, d, r)
	default:
		// Keypad, input and output reports and the like: not ours to act
		// on, and not errors.
	}
	return nil
}

// nak handles a NAK to an online command.
func (b *Bus) nak(i int, d *device, r Packet) error {
	code := byte(0)
	if len(r.Data) > 0 {
		code = r.Data[0]
	}
	switch {
	case code == NakCheck && d.crc:
		d.crc = false // libosdp's panel falls back to the checksum too
	case code == NakSequence:
		return errors.New(NakText(code))
	case code == NakSCRequired && d.sess == nil && !d.cfg.Secure:
		b.refuse(i, d, SecureOff, "the reader requires a secure channel: give scbk=HEX32 or scbk=install")
	case (code == NakSCRequired || code == NakSCUnsup) && d.cfg.Secure:
		return errors.New(NakText(code) + ": secure channel lost")
	}
	return nil
}

// exchange sends one command to reader d and waits for its reply, trying
// again with the same bytes after a timeout. scb, when given, is the
// handshake's security block; otherwise an established session seals the
// command and opens the reply.
func (b *Bus) exchange(ctx context.Context, i int, d *device, code byte, data, scb []byte) (Packet, error) {
	p := Packet{Addr: d.cfg.Addr, Seq: d.seq, CRC: d.crc, SCB: scb, Code: code, Data: data}
	wire, err := AppendFrame(b.wbuf[:0], p, d.sess)
	if err != nil {
		return Packet{}, err
	}
	b.wbuf = wire
	timeout, tries := b.replyTimeout(), Tries
	if d.silent {
		tries = 1
	}
	for try := 0; try < tries; try++ {
		if ctx.Err() != nil {
			return Packet{}, ctx.Err()
		}
		if _, err := b.Conn.Write(wire); err != nil {
			return Packet{}, errLine{fmt.Errorf("write: %w", err)}
		}
		r, ok, err := b.await(ctx, i, d, time.Now().Add(timeout))
		if err != nil {
			return Packet{}, err
		}
		if !ok {
			skipped := b.spl.Skipped
			b.spl.Reset() // a false SOM's long LEN must not hold up the next reply
			b.count(i, func(s *Stats) { s.Timeouts++; s.Garbage += uint64(b.spl.Skipped - skipped) })
			continue
		}
		if r.Code == ReplyBUSY {
			continue
		}
		d.seq = d.seq%3 + 1 // 0 (restart) → 1 → 2 → 3 → 1 …
		return b.open(i, d, code, r)
	}
	return Packet{}, errTimeout
}

// open checks a reply inside a session: it must carry a good MAC, except a
// plain NAK (the reader dropped the session) or a plain ACK to KEYSET
// (the reader switched to the new key at once), both of which end it.
func (b *Bus) open(i int, d *device, code byte, r Packet) (Packet, error) {
	b.count(i, func(s *Stats) { s.Replies++ })
	if r.Code == ReplyNAK {
		b.count(i, func(s *Stats) { s.NAKs++ })
		b.update(i, func(s *Status) { s.LastNAK = describe(r) })
	}
	if d.sess == nil || r.SCB != nil && r.SCB[1] <= SCS14 {
		return r, nil
	}
	if r.SCB == nil && (r.Code == ReplyNAK || code == CmdKEYSET && r.Code == ReplyACK) {
		d.sess = nil
		return r, nil
	}
	opened, err := d.sess.Open(r)
	if err != nil {
		b.count(i, func(s *Stats) { s.BadReplies++ })
		return Packet{}, err
	}
	return opened, nil
}

// await reads until reader d's reply to the command just sent arrives or
// the deadline passes. Other packets are skipped: echoes of our own
// commands on adapters that echo, late replies of other readers, replies
// with a stale sequence number.
func (b *Bus) await(ctx context.Context, i int, d *device, deadline time.Time) (Packet, bool, error) {
	var got Packet
	found := false
	handle := func(p Packet, err error) {
		switch {
		case found:
		case errors.Is(err, ErrChecksum):
			b.count(i, func(s *Stats) { s.CRCErrors++ })
		case err != nil:
			b.count(i, func(s *Stats) { s.BadReplies++ })
		case !p.Reply:
		case p.Addr != d.cfg.Addr:
		case p.Seq != d.seq && p.Code != ReplyBUSY:
			b.count(i, func(s *Stats) { s.BadReplies++ })
		default:
			got, found = p, true
		}
	}
	for !found {
		if ctx.Err() != nil {
			return Packet{}, false, ctx.Err()
		}
		if time.Now().After(deadline) {
			return Packet{}, false, nil
		}
		n, err := b.Conn.Read(b.rbuf)
		if err != nil {
			return Packet{}, false, errLine{fmt.Errorf("read: %w", err)}
		}
		if n == 0 {
			continue
		}
		skipped := b.spl.Skipped
		b.spl.Feed(b.rbuf[:n], handle)
		if g := b.spl.Skipped - skipped; g > 0 {
			b.count(i, func(s *Stats) { s.Garbage += uint64(g) })
		}
	}
	return got, true, nil
}
