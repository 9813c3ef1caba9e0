package doctor

import (
	"context"
	"fmt"
	"time"

	"checkin/badge"
	"checkin/badge/osdp"
	"checkin/badge/serialreader"
)

// osdpReplyWait is how long one osdp_ID waits for its reply (OSDP 2.2
// allows a reader 200 ms).
const osdpReplyWait = 300 * time.Millisecond

// probeOSDP asks an OSDP reader who it is (osdp_ID, in plain, sequence 0:
// what a panel sends first) and waits for a reply from its address,
// asking again until d is up. A reply of any kind proves the port, the
// baud rate, the wiring and the address; the secure channel and card
// reads are the kiosk's to show (its /healthz, while it runs).
func probeOSDP(ctx context.Context, spec badge.Spec, d time.Duration) Check {
	title := readerTitle(spec)
	port, path, err := serialreader.Open(spec, 10*time.Millisecond)
	if err != nil {
		return openFailure(spec, path, err)
	}
	defer port.Close()
	stop := context.AfterFunc(ctx, func() { port.Close() })
	defer stop()
	cmd, err := osdp.AppendFrame(nil, osdp.Packet{Addr: byte(spec.Address), CRC: true, Code: osdp.CmdID, Data: []byte{0}}, nil)
	if err != nil {
		return fail(IDReader, title, err.Error(), "")
	}
	var spl osdp.Splitter
	buf := make([]byte, 256)
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if _, err := port.Write(cmd); err != nil {
			return fail(IDReader, title, fmt.Sprintf("write %s: %v", path, err), "check the cable")
		}
		var reply *osdp.Packet
		wait := time.Now().Add(osdpReplyWait)
		for reply == nil && time.Now().Before(wait) {
			n, err := port.Read(buf)
			if err != nil {
				return fail(IDReader, title, fmt.Sprintf("read %s: %v", path, err), "check the cable")
			}
			spl.Feed(buf[:n], func(p osdp.Packet, err error) {
				if err == nil && p.Reply && p.Addr == byte(spec.Address) {
					reply = &p
				}
			})
		}
		if reply == nil {
			spl.Reset()
			continue
		}
		switch reply.Code {
		case osdp.ReplyPDID:
			id, err := osdp.ParsePDID(reply.Data)
			if err != nil {
				return ok(IDReader, title, fmt.Sprintf("answers at address %d on %s", spec.Address, path))
			}
			return ok(IDReader, title, fmt.Sprintf("answers at address %d on %s: %s (secure channel and cards: see the kiosk's /healthz once it runs)", spec.Address, path, id))
		case osdp.ReplyNAK:
			text := "NAK"
			if len(reply.Data) > 0 {
				text = osdp.NakText(reply.Data[0])
			}
			return ok(IDReader, title, fmt.Sprintf("answers at address %d on %s (%s)", spec.Address, path, text))
		}
		return ok(IDReader, title, fmt.Sprintf("answers at address %d on %s (reply %#02x)", spec.Address, path, reply.Code))
	}
	return fail(IDReader, title, fmt.Sprintf("no OSDP reply at address %d on %s in %s", spec.Address, path, d.Round(time.Second/10)),
		"check address= and baud= against the reader's settings, its power, and the RS-485 wiring (A and B swapped?)")
}
