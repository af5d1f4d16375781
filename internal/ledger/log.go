package ledger

import (
	"context"
	"crypto/ed25519"
	"sync"

	"github.com/ssgk/ssgk/ent"
)

// Log is a hub's handle on its transparency log: the client it reads and checkpoints through
// and the directory of its signing key. The composition root (internal/hub) builds the one Log
// of a hub; appends go through publish.Record in the publishing transaction.
type Log struct {
	Client *ent.Client
	KeyDir string // holds KeyFile

	mu  sync.Mutex
	key ed25519.PrivateKey
}

// NewLog returns the log of client whose signing key lives in keyDir.
func NewLog(client *ent.Client, keyDir string) *Log {
	return &Log{Client: client, KeyDir: keyDir}
}

// Key is the hub's checkpoint signing key, KeyDir/ledger.key, created on first use and then
// kept.
func (l *Log) Key() (ed25519.PrivateKey, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.key != nil {
		return l.key, nil
	}
	k, err := LoadOrCreateKey(l.KeyDir)
	if err != nil {
		return nil, err
	}
	l.key = k
	return k, nil
}

// Checkpoint returns the latest checkpoint signed with the hub's key (Checkpoint).
func (l *Log) Checkpoint(ctx context.Context) (*SignedCheckpoint, error) {
	key, err := l.Key()
	if err != nil {
		return nil, err
	}
	return Checkpoint(ctx, l.Client, key)
}
