/*
Package sync holds the kiosk ↔ registry protocol, version 1: its wire
types and their strict decoders. The protocol itself, from which an
integrator can write either side (authentication, transport, the change
feed and each kind's data, check-in delivery, badges, passes, photos),
is described in docs/sync.md. The registry role is in sync/registry, the
kiosk side in sync/client. (Callers that also need the standard
library's sync import this package under another name.)
*/
package sync
