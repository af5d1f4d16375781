package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// ledgerVerifyFlags are the flags of ssgk ledger verify.
type ledgerVerifyFlags struct {
	Checkpoint     string   // --checkpoint: the checkpoint file
	PublicKey      string   // --public-key: the hub's key, Base64 or a file holding it
	OldCheckpoint  string   // --old-checkpoint: a checkpoint saved earlier
	Consistency    string   // --consistency: the proof from the old checkpoint to the new
	URL            string   // --url: download the checkpoint and proofs from this hub
	SaveCheckpoint string   // --save-checkpoint: keep the verified checkpoint (--url)
	Records        []string // --record…: leaf records, paired with Proofs
	Proofs         []string // --proof…: inclusion proofs
	Indexes        []string // --index…: leaves to verify (--url)
}

// runLedgerVerify: ssgk ledger verify — offline (files) or online (--url).
func runLedgerVerify(ctx context.Context, o ledgerVerifyFlags, stdout io.Writer) error {
	cpFile, pubKey, oldFile, consFile, hubURL, saveCP := &o.Checkpoint, &o.PublicKey, &o.OldCheckpoint, &o.Consistency, &o.URL, &o.SaveCheckpoint
	records, proofs, indexes := o.Records, o.Proofs, o.Indexes
	in := ledger.Offline{PublicKey: *pubKey}
	if in.PublicKey != "" {
		if b, err := os.ReadFile(in.PublicKey); err == nil {
			in.PublicKey = string(b)
		}
	}
	if *oldFile != "" {
		in.Old = new(ledger.SignedCheckpoint)
		if err := readJSONFile(*oldFile, "旧检查点", in.Old); err != nil {
			return err
		}
	}
	if *hubURL != "" {
		if *cpFile != "" || *consFile != "" || len(records) > 0 || len(proofs) > 0 {
			return apperr.New(apperr.Invalid, "--url 与 --checkpoint、--consistency、--record、--proof 不能同时使用")
		}
		if err := ledger.Fetch(ctx, *hubURL, indexes, &in); err != nil {
			return err
		}
		if err := verifyLedger(in, stdout); err != nil {
			return err
		}
		if *saveCP != "" { // only a verified checkpoint is kept for next time
			if err := writeJSONFile(*saveCP, in.Checkpoint); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已保存检查点到 %s（下次核验时用 --old-checkpoint 指定）\n", *saveCP)
		}
		return nil
	}
	if *cpFile == "" {
		return apperr.New(apperr.Invalid, "请用 --checkpoint 指定检查点文件，或用 --url 指定中枢地址")
	}
	if len(indexes) > 0 || *saveCP != "" {
		return apperr.New(apperr.Invalid, "--index 与 --save-checkpoint 只用于 --url 在线核验")
	}
	if err := readJSONFile(*cpFile, "检查点", &in.Checkpoint); err != nil {
		return err
	}
	if *consFile != "" {
		in.Consistency = new(ledger.Consistency)
		if err := readJSONFile(*consFile, "一致性证明", in.Consistency); err != nil {
			return err
		}
	}
	if len(records) != len(proofs) {
		return apperr.New(apperr.Invalid, "--record 与 --proof 须成对给出（收到 %d 个记录、%d 个证明）", len(records), len(proofs))
	}
	for i := range records {
		var r ledger.Record
		var p ledger.Inclusion
		if err := readJSONFile(records[i], "叶子记录", &r); err != nil {
			return err
		}
		if err := readJSONFile(proofs[i], "包含证明", &p); err != nil {
			return err
		}
		in.Records, in.Proofs = append(in.Records, r), append(in.Proofs, p)
	}
	return verifyLedger(in, stdout)
}

// keySources name ledger.KeySource in the report.
var keySources = map[ledger.KeySource]string{
	ledger.KeyPinned: "--public-key 指定的公钥", ledger.KeyFromOld: "旧检查点中的公钥", ledger.KeyFromCheckpoint: "检查点附带的公钥",
}

// verifyLedger runs ledger.VerifyOffline and prints its report: the same for files and for
// downloads.
func verifyLedger(in ledger.Offline, stdout io.Writer) error {
	cp := in.Checkpoint
	rep, err := ledger.VerifyOffline(in)
	if rep == nil {
		return err
	}
	fmt.Fprintf(stdout, "检查点签名有效：日志大小 %d，根哈希 %s，签署时间 %s（%s，密钥标识 %s）\n", cp.Size, cp.Root, cp.At, keySources[rep.KeySource], ledger.KeyID(rep.Key))
	if rep.KeySource == ledger.KeyFromCheckpoint {
		fmt.Fprintln(stdout, "提示：公钥取自检查点本身。请用 --public-key 指定另行核对过的中枢公钥，或保存本检查点供下次比对。")
	}
	fail := func(err error) {
		ae := apperr.From(err)
		fmt.Fprintf(stdout, "✗ [%s] %s\n", ae.Code, ae.Message)
	}
	if in.Old != nil {
		if rep.Old != nil {
			fail(rep.Old)
		} else {
			fmt.Fprintf(stdout, "✓ 一致性：旧检查点（大小 %d，%s）是当前日志的前缀，此前公示的内容未被改动或删除\n", in.Old.Size, in.Old.At)
		}
	}
	if err != nil {
		return err
	}
	for i, rec := range in.Records {
		if err := rep.Leaves[i]; err != nil {
			fail(err)
			continue
		}
		what := fmt.Sprintf("第 %d 片叶子", rec.Index)
		if p := rec.Publication; p != nil {
			what = fmt.Sprintf("公示 #%d（%s，%s）= %s", p.ID, p.Title, p.Kind, what)
		}
		fmt.Fprintf(stdout, "✓ %s：内容摘要一致，包含于大小 %d 的日志\n", what, cp.Size)
	}
	if n := rep.Failures(); n > 0 {
		return apperr.New(ledger.CodeInvalidProof, "透明日志核验失败：%d 项不成立", n)
	}
	fmt.Fprintf(stdout, "核验通过：检查点签名%s%s\n", map[bool]string{true: "、一致性证明", false: ""}[in.Old != nil],
		map[bool]string{true: fmt.Sprintf("、%d 条公示的包含证明", len(in.Records)), false: ""}[len(in.Records) > 0])
	return nil
}

func readJSONFile(path, what string, out any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取%s文件 %s", what, path)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "%s文件 %s 不是有效的 JSON：%v", what, path, err)
	}
	return nil
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// openLedgerStore opens the database for an online ledger command.
func openLedgerStore(ctx context.Context, name string, cfg *config) (*hub.Hub, context.Context, error) {
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, nil, err
	}
	return db, viewer.NewContext(db.Context(ctx), viewer.NewSystem("ssgk "+name)), nil
}

// runLedgerAudit: ssgk ledger audit [--public-key KEY].
func runLedgerAudit(ctx context.Context, cfg *config, pubKey string, stdout io.Writer) error {
	db, ctx, err := openLedgerStore(ctx, "ledger audit", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var keys []ed25519.PublicKey
	if pubKey != "" {
		if b, err := os.ReadFile(pubKey); err == nil {
			pubKey = string(b)
		}
		pub, err := ledger.ParsePublicKey(pubKey)
		if err != nil {
			return err
		}
		keys = append(keys, pub)
	} else if key, err := ledger.LoadKey(cfg.DataDir); err == nil {
		keys = append(keys, key.Public().(ed25519.PublicKey))
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	rep, err := ledger.AuditLog(ctx, db.Client, keys...)
	if err != nil {
		return err
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(stdout, "透明日志校验通过：%d 片叶子，根哈希 %s；%d 个检查点的根哈希一致，%d 个签名有效",
			rep.Leaves, rep.Root, rep.Checkpoints, rep.SignaturesChecked)
		if rep.SignaturesUnchecked > 0 {
			fmt.Fprintf(stdout, "，%d 个由其他密钥签署未核验签名", rep.SignaturesUnchecked)
		}
		fmt.Fprintln(stdout)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	return apperr.New(ledger.CodeInconsistent, "透明日志校验失败：发现 %d 处问题（共 %d 片叶子）", len(rep.Problems), rep.Leaves)
}

// runLedgerCheckpoint: ssgk ledger checkpoint [--out FILE].
func runLedgerCheckpoint(ctx context.Context, cfg *config, out string, stdout io.Writer) error {
	db, ctx, err := openLedgerStore(ctx, "ledger checkpoint", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	cp, err := db.Ledger.Checkpoint(ctx)
	if err != nil {
		return err
	}
	if out != "" {
		if err := writeJSONFile(out, cp); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "检查点（大小 %d，根哈希 %s）已写入 %s\n", cp.Size, cp.Root, out)
		return nil
	}
	b, _ := json.MarshalIndent(cp, "", "  ")
	fmt.Fprintln(stdout, string(b))
	return nil
}

// runLedgerBackfill: ssgk ledger backfill.
func runLedgerBackfill(ctx context.Context, cfg *config, stdout io.Writer) error {
	db, ctx, err := openLedgerStore(ctx, "ledger backfill", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n := 0
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		n, err = ledger.Backfill(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已把 %d 条公示追加到透明日志\n", n)
	return nil
}
