package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (RFC 9106 second recommended option, lighter memory for small servers).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hashSlots bounds the argon2id computations running at once: each takes argonMemory (64 MiB)
// and argonThreads cores, so a burst of logins — guesses or aliases — queues here instead of
// exhausting memory, and leaves half the cores to everything else the hub does.
var hashSlots = make(chan struct{}, max(1, min(runtime.GOMAXPROCS(0)/argonThreads, 4)))

func argonKey(password, salt []byte, iters, mem uint32, threads uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	key := argon2.IDKey(password, salt, iters, mem, threads, keyLen)
	// The 64 MiB of the computation are garbage now. Collecting them at once lets the next
	// computation reuse the same pages: without it a burst of logins stacks several of them up
	// before the collector runs (a hub of 130 MB grew to 285 MB on sixteen parallel logins).
	// The blocks hold no pointers, so the collection costs little.
	runtime.GC()
	return key
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword checks password against a PHC argon2id hash in constant time.
func VerifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false
	}
	if mem > argonMemory || iters > 10 || threads == 0 || len(want) == 0 || len(want) > 64 {
		return false // not a hash this hub wrote: refuse rather than spend what it asks
	}
	got := argonKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
