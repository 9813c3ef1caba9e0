/*
Package sync holds the kiosk ↔ registry protocol, version 1: its wire
types, their strict decoders, and this description, from which an
integrator can write either side. The registry role is in sync/registry,
the kiosk side in sync/client. (Callers that also need the standard
library's sync import this package under another name.)

# Roles

A venue has one registry and any number of kiosks. The registry is the
source of truth for the roster, the schedule and badge bindings; each
kiosk is the source of truth for the taps it decided. A kiosk keeps
working when the registry is unreachable and catches up later.

# Authentication

Every /sync/v1 request carries "Authorization: Bearer TOKEN". Tokens are
issued per kiosk with `checkin token add --data REGDIR --kiosk ID`, shown
once, and stored only as a SHA-256 hash; `checkin token revoke` withdraws
one. A missing, wrong or revoked token is 401 with a JSON error body; for
a token that was valid once and has been revoked or replaced, the answer
also carries the header "Checkin-Token: revoked". The token names the
kiosk: kiosk ids in bodies are informative only.

Errors are JSON: {"error":"what is wrong","code":"invalid|unauthorized|…"}.

# Transport

A registry started with a certificate (--tls-cert, --tls-key) speaks
HTTPS only; the token then never crosses the venue network in clear. A
kiosk verifies the registry's certificate against the system roots or
the PEM file it was given (--registry-ca), and sends nothing to a
registry it cannot verify. A kiosk may be given several registry URLs
(registry processes serving one database): it uses the first that
answers and stays with it; a refused or timed-out connection or a 5xx
moves it to the next. Every request is safe to repeat elsewhere: the
feed is read by sequence number and deliveries are idempotent on ids.

# Kiosk names

	GET /sync/v1/whoami  → 200 {"kiosk":"north-1"}

A kiosk takes its name from its token: the registry says which kiosk the
token was issued for, and the kiosk keeps the answer in its database,
with the hash of the token it was given for. It asks at start when it has
no name kept for its token (waiting at most 3 seconds), and refuses to
start (exit code 2, naming both) when --kiosk-id gives another name; a
kiosk with a name kept starts without asking, offline too, and refuses a
--kiosk-id that disagrees with it in the same way.

A brand-new kiosk that cannot reach the registry at start still starts
and serves: it goes by --kiosk-id (or its host name) and keeps every tap
as usual. When the registry answers, the sync client asks before it
delivers anything, keeps the name, and logs it (as an error when
--kiosk-id said otherwise). The registry files every check-in under the
token's kiosk whatever the events say, so the taps made meanwhile are
that kiosk's at the registry; the kiosk itself goes by the name from its
next start (and then refuses a --kiosk-id that disagrees). A registry
that answers 404 (an older version) leaves the kiosk with the name it
was given.

# Change feed

	GET /sync/v1/changes?since=SEQ&limit=N&wait=SECONDS

returns the changes with a sequence number greater than since, oldest
first, at most limit (1–5000, default 1000):

	{"changes":[{"seq":17,"kind":"delegate","op":"upsert","data":{…}}, …],
	 "next":17, "more":false}

next is the seq of the last change in the page (since itself when the page
is empty); more says whether further changes exist now. The answer repeats
them in the headers Checkin-Next and Checkin-More, so that a client
catching up can ask for the next page while it decodes this one. With wait (0–30
seconds) and nothing newer than since, the registry holds the request
until a change arrives or wait elapses (then answering an empty page):
this long poll is how a badge bound at one desk works at every entrance
within a second. Sequence numbers increase strictly and are never reused.

The feed carries each entity's current state: an entry says "this entity
changed; here is how it is now". An entity changed several times may
appear several times, always with its latest data, and an entry whose
entity has since been deleted is followed by a later delete entry. A
client applies entries in order, each as an idempotent upsert or delete,
and stores next together with the applied page in one transaction, so
that a crash neither skips nor half-applies a page. A new kiosk starts at
since=0 and pages through the whole roster.

Kinds and their data. A delete entry carries the key fields; its other
fields, where present (a room's "capacity": 0, a badge's "revoked":
false), mean nothing and are to be ignored.

	meeting   {"id","name","timezone","start","end"}            key: none (one meeting)
	delegate  {"id","family_name","given_name","organization","country","country_name","role",
	           "groups":[…],"valid_from","valid_to","status","language","email",
	           "latin_family_name","latin_given_name"}   key: id
	           (country_name: the roster's name for the country or organisation,
	           shown as written instead of the UN name of country; latin_*: the
	           name in Latin letters as the passport spells it; each absent when
	           not given)
	badge     {"uid","delegate_id","revoked"}                   key: uid
	room      {"name","building","floor","capacity","overflow"}  key: name
	           (capacity: people it holds, absent or 0 for no limit;
	           overflow: the room to send people to when it is full, absent
	           when none; kiosks before it ignore it)
	session   {"id","title","room","building","start","end","groups":[…],"status",
	           "moved_from"}  (moved_from: the room a re-import moved it from)  key: id
	arrival   {"delegate_id","day","at","kiosk"}                 key: delegate_id, day
	key       {"id","public_key"}  (QR pass verification keys)   key: id
	pass      {"delegate_id","uid","issued_at","kiosk"}  (a delegate's newest
	           QR pass, issued at kiosk)                          key: delegate_id
	staff     {"username","role","password_hash"}  (a staff login managed at
	           the registry: its argon2id hash, never the password)  key: username
	photo     {"delegate_id","sha256","content_type","size"}  (a delegate's current
	           photo, named by the SHA-256 of its bytes; never the bytes) key: delegate_id
	apikey    {"name","hash","revoked"}  (a venue system's API key: its SHA-256
	           in lower-case hex, never the key)                   key: name

In Go, each kind's data is a type of this package (MeetingData,
DelegateData, BadgeData, RoomData, SessionData, ArrivalData, KeyData,
PassData, StaffData, PhotoData, APIKeyData), and the table in kinds.go lists the kinds
this version knows.

A delegate's "country_name" is an addition to the data first listed in
the SPEC. Data members a client does not know are ignored (only the
kiosk's own uploads are decoded strictly), so a kiosk of an older version
reads a newer registry's feed and shows the UN name of "country".

Times are RFC 3339; days are YYYY-MM-DD in the meeting's time zone.
"meeting", "pass", "staff", "photo" and "apikey" are additions to the kinds first listed in
the SPEC, and a delegate's "latin_family_name" and "latin_given_name" to
its fields: a registry before them sends neither (the kiosk then has none),
and a kiosk before them ignores them, as every client ignores members it
does not know. A client
skips kinds it does not know, and a badge whose delegate it does not know
yet (a later entry brings it again once the delegate is there). An arrival
is a delegate's first accepted entry of a day at any kiosk: it is how a
kiosk knows that a delegate who arrived elsewhere is not "first today".

# A gap-free feed with several writers

A kiosk keeps only the seq it has read up to, so the feed must never show
a change while one with a smaller seq is still uncommitted: a kiosk that
read up to 18 would never look below 18 again, and a change 17 committed
a moment later would be lost to it. On SQLite there is one writer and no
such window. On PostgreSQL several registry processes and `checkin
import` write at once, and a sequence hands out numbers in the order
transactions ask, not the order they commit.

The PostgreSQL store serialises appends to the change log: the functions
the logging triggers call (log_rows, once per statement, and log_change)
take a transaction-level advisory lock before they draw the next seq,
and the lock is held until
the transaction commits or rolls back. A transaction that draws seq 18
therefore draws it after the one holding 17 has ended, and PostgreSQL
releases a transaction's locks only once its commit is visible; so by the
time 18 can be seen, 17 is visible or gone for good (a rolled-back
number is a hole, which readers step over as they step over any number
not in the log). A page is read in one repeatable-read snapshot.

The alternative, letting writers append in parallel and exposing only
changes below the oldest transaction still in flight (pg_snapshot_xmin),
keeps writers apart but makes every read depend on the slowest writer
and on transaction-id bookkeeping. Appends here are short (a trigger's
insert; the check-in ingest takes the lock only for its arrivals, after
its taps), the rate of feed changes at a venue is modest next to the
rate of check-ins, and serialising also makes every decision read from
the log (desk bind conflicts, pass keys) one after another across
processes, so that the outcome does not depend on which process received
what. TestFeedGapFreeUnderConcurrentWriters in sync/registry/postgres
runs 12 writers through 3 stores while 4 readers page the feed: every
reader ends with every change once, in order; with the lock removed it
fails.

Every committing transaction that appended also sends NOTIFY
checkin_changes; each registry process LISTENs on a connection of its own
(reconnecting with backoff, and waking its long polls on every reconnect
in case a notification was missed), so a change made through any process
or an import wakes every long poll within moments, and no process polls
the log.

# Check-in events

	POST /sync/v1/checkins  {"events":[{"id","delegate_id","uid","source","kiosk",
	                          "gate","direction","at","result","reason"}, …]}
	→ 200 {"accepted":N,"duplicates":M}

A kiosk delivers every tap at least once, in batches of at most 1000
(clients send 500). The registry stores each event id once: a repeated id
is counted in duplicates and changes nothing, so a kiosk retries freely
after a timeout. The registry keeps both the event time (at) and its own
receive time. The request is all-or-nothing: if any event is malformed the
answer is 400 naming the event's index and id, and nothing is stored; a
client then splits the batch to isolate the bad event and sets it aside,
so one bad event never blocks the rest.

Field rules: id 1–64 printable characters, chosen by the kiosk (UUIDv7);
source "rfid", "qr", "keyboard" (a keyboard-wedge reader on the entrance screen) or "desk" (checked in by hand at a desk); direction "in" or "out"; gate 1–64 printable
characters; result "accepted" with reason "", or "rejected" with one of
unknown_badge, revoked_badge, invalid_pass, not_valid_today,
registration_cancelled; at within the years 2000–2100; uid at most 256
bytes; delegate_id empty for an unknown badge.

# Badge events from desks

	POST /sync/v1/badges  {"events":[{"id","op":"bind|revoke","uid","delegate_id","at"}, …]}
	→ 200 {"applied":N,"duplicates":M,"lost":[{"id","uid","delegate_id","held_by"}]}

A desk's binds and revokes, delivered like check-ins (idempotent on id,
all-or-nothing validation). They enter the change feed and so reach every
kiosk. When two desks bound the same UID to different delegates while
apart, the bind with the earlier event time wins, whatever order they
arrive in; the loser is listed in "lost" and on the registry's dashboard,
never dropped silently. A revoke applies only if it is not older than the
binding it revokes. An event's time is trusted only within the meeting:
one stamped before the meeting's first day (local midnight in its time
zone) or after its arrival at the registry counts as made when it
arrived, so a desk's wrong clock (or a forged "at") cannot take a badge
from its holder.

QR passes are not badge events (see Passes below); a kiosk that ran an
earlier version may still deliver binds and revokes of pass UIDs (24 hex
digits), which apply as before.

# Passes

	POST /sync/v1/passes  {"passes":[{"token":"CK1.…"}, …]}   (1 to 1000)
	→ 200 {"accepted":N,"superseded":M}

Every pass a kiosk's desk issues is announced, with its signed token, as
soon as the registry can be reached (after the kiosk's key). The registry
verifies each token with the keys of the announcing kiosk only, for the
meeting, not dated more than 10 minutes ahead of its own clock; any that
does not is 400 naming it (passes[i]), and nothing is stored: the client
splits the batch and sets the bad pass aside, as it does with events. A
kiosk thus announces only passes it signed itself, none dated far ahead
to supersede every other, and a stolen token none at all.

A pass is known by its UID, its pass id in hex (24 digits, 12 bytes: a
length no RFID UID has), and the newest pass of a delegate wins: the later
issue time, and in the same second the greater UID, so that every node
picks the same one. The registry keeps each delegate's newest pass and
the feed carries it as kind "pass" (accepted: it is now the newest;
superseded: a newer one was known already). Announcing a pass again
changes nothing. The registry never deletes a delegate's pass entry; a
client ignores a "pass" delete (a superseded pass stays superseded).

The registry keeps no token and the feed carries none, only what a kiosk
needs to refuse older passes: whoever reads the feed with a kiosk's token
learns no pass they could show at a door. A pass's token stays at the
desk that issued it, which alone can show or print it again.

A kiosk keeps each delegate's newest pass it has heard of: issued at its
own desk, from the feed, or shown at one of its entrances (a validly
signed pass newer than the one it knows). A pass whose signature verifies
is refused as revoked_badge when a newer pass of its delegate is known
there, and accepted otherwise: a kiosk offline, or not yet reached by the
feed, still admits a pass issued elsewhere. So when two kiosks cut off
from the registry each issued a pass for one delegate, the one that
issued the newer refuses the older at once, and the other accepts both
until it hears of the newer; once they are back the newer works at both
and the older is revoked_badge at both, and at every kiosk the feed
reaches.

# Pass keys

	POST /sync/v1/keys  {"keys":[{"id","public_key","proof"}, …]}   (1 to 16 keys)
	→ 200 {"accepted":N}

Each kiosk signs the passes its desk issues with its own Ed25519 key and
announces the public key (text form "<id>:<base64url>", whose id must be
the key's id) once per run, once it knows its name (whoami). proof shows
that the kiosk holds the private key: the key's Ed25519 signature, in
base64url, of the bytes "CK1 key proof", 0x00, the kiosk's name (its
token's), 0x00, and the public key's text form (pass.Key.Prove). Without
a proof that verifies for the token's kiosk the request is 400, so a
token cannot claim a key it does not hold, nor replay another kiosk's
announcement. The key then belongs to the kiosk whose token announced it,
and the registry hands it to every kiosk as a change of kind "key", so a
pass printed at any desk verifies at every entrance, offline. Announcing a key again is a no-op. A kiosk has one key: a
different key from a kiosk that has one, a key id that names another key,
or one that another kiosk owns, is 409 (a stolen token cannot add a key
of its own to a kiosk that announced one).

Trust in a key hangs on its kiosk's token: `checkin token revoke`, and
`checkin token add` for a kiosk that had a token, withdraw the kiosk's key
in the same transaction. The feed then carries a "key" delete, every
kiosk that applies it stops trusting the key, and the passes it signed are
refused as invalid_pass. The kiosk whose token it was hears of it from
the "Checkin-Token: revoked" of its next request: it stops trusting its
own key too, so that the passes it signed open none of its doors either,
and makes a new key, which it announces once it is given a new token
(until then its desk's passes open its own doors only). A withdrawn key is
never trusted again: announced once more it is 403, and a kiosk that gets
this answer makes a new key in the same way and announces that.

# Photos

	GET    /sync/v1/photos/{sha256}       → 200, the image (image/jpeg or image/png)
	PUT    /sync/v1/photos/{delegate_id}  body: the image → 200 {"delegate_id","sha256"}
	DELETE /sync/v1/photos/{delegate_id}  → 200 {"delegate_id","sha256":""}

Delegates' photos are content-addressed: the registry keeps each photo's
bytes once under the SHA-256 of the bytes (lower-case hex), and each
delegate's current photo by that hash. The feed carries the mapping (kind
"photo"), never the bytes, so a page stays small however many photos a
roster has. A kiosk that applies a "photo" upsert and lacks the bytes
fetches them with GET /sync/v1/photos/{sha256}, in the background, a few at
a time, with backoff after failures; it checks the bytes against the hash
before it stores them, and stores them only while a delegate's photo still
names the hash. Neither the feed nor taps ever wait for a photo. A 404 (the
photo was replaced since) is asked again later only if still wanted.

A photo taken at a kiosk's desk is stored there at once and queued; the
kiosk delivers it with PUT /sync/v1/photos/{delegate_id} (the body is the
image, Content-Type image/jpeg or image/png) until the registry takes it,
at least once: the same photo again changes nothing. The registry checks it
as every photo is checked (JPEG or PNG by its bytes, at most 5 MB, 32 to
4096 pixels a side, decodable): 400 otherwise, and 404 for a delegate not on
the roster; the client sets such a photo aside. The last photo the registry
takes for a delegate wins, and the feed takes it to every kiosk; a kiosk
keeps its own desk's photo until the registry has it, so a photo just taken
is not replaced by an older one in flight. DELETE removes a delegate's photo
everywhere. A roster re-import keeps the photos of delegates still on it;
a removed delegate's photo goes with them (a "photo" delete).

Photos are personal data: they travel only between kiosks and the
registry with a token, and on a kiosk only to signed-in staff (the desk,
the guard's screen, badges), never to public screens or the public event
stream.
*/
package sync
