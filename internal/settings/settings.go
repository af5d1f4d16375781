// Package settings reads and writes the hub's operator-configurable rule parameters
// (the [configurable] values of domain.md). Code defines each default next to its key; a
// stored Setting row overrides it.
package settings

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/setting"
	"github.com/ssgk/ssgk/internal/txn"
)

// Get decodes the stored value of key into out; when the key is not stored, out keeps the
// default the caller put in it.
func Get(ctx context.Context, client *ent.Client, key string, out any) error {
	s, err := client.Setting.Query().Where(setting.Key(key)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(s.Value), out); err != nil {
		return fmt.Errorf("settings: %s: %w", key, err)
	}
	return nil
}

// Set stores value (JSON-encoded) under key.
func Set(ctx context.Context, client *ent.Client, key string, value any, note string) error {
	b, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return txn.Run(ctx, client, func(tx *ent.Tx) error {
		return tx.Setting.Create().SetKey(key).SetValue(string(b)).SetNote(note).
			OnConflictColumns(setting.FieldKey).UpdateValue().UpdateNote().Exec(ctx)
	})
}
