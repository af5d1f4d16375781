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

// SiteKey is the settings key of the public portal's site identity.
const SiteKey = "portal.site"

// Site is the identity of the public portal (公示网站), shown in its header and footer as
// government websites must: the county, the sponsoring body (主办单位), the website
// identification code (网站标识码), the ICP filing number and the public-security filing number,
// a contact, and where citizens download the verifier.
type Site struct {
	County        string `json:"county,omitempty"`        // e.g. 宁阳县
	Sponsor       string `json:"sponsor,omitempty"`       // 主办单位
	SiteCode      string `json:"siteCode,omitempty"`      // 网站标识码
	ICP           string `json:"icp,omitempty"`           // ICP 备案号
	PoliceRecord  string `json:"policeRecord,omitempty"`  // 公安机关备案号
	Contact       string `json:"contact,omitempty"`       // 联系方式（电话、地址、邮箱）
	VerifierURL   string `json:"verifierURL,omitempty"`   // 核验程序下载地址
	VerifierNotes string `json:"verifierNotes,omitempty"` // 核验程序的取得方式说明
}

// LoadSite reads the site identity (empty fields when never set).
func LoadSite(ctx context.Context, client *ent.Client) (Site, error) {
	var s Site
	err := Get(ctx, client, SiteKey, &s)
	return s, err
}

// SaveSite stores the site identity.
func SaveSite(ctx context.Context, client *ent.Client, s Site, note string) error {
	return Set(ctx, client, SiteKey, s, note)
}
