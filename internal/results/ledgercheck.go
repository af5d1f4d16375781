package results

import (
	"context"
	"fmt"
	"maps"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/ledger"
)

func init() {
	ledger.RegisterContentCheck(publication.KindRESULT, publishedContent)
	ledger.RegisterContentCheck(publication.KindCORRECTION, publishedContent)
}

// publishedContent re-derives the result-owned part of a published result's payload (codes,
// items and their codes, methods, follow-up, completion date — what the immutability rules
// freeze) from the current rows and compares it with what was published.
func publishedContent(ctx context.Context, client *ent.Client, p *ent.Publication) (string, error) {
	if _, ok := p.Payload["result_id"]; p.SubjectType != ent.TypeResult || !ok {
		// Not a result's payload (the payload itself is checked against its digest).
		return "", nil
	}
	r, err := client.Result.Get(ctx, p.SubjectID)
	if ent.IsNotFound(err) {
		return "检查结果记录已被删除", nil
	} else if err != nil {
		return "", err
	}
	content, err := resultContent(ctx, client, r)
	if err != nil {
		return "", err
	}
	stored, err := normalize(content)
	if err != nil {
		return "", err
	}
	published := maps.Clone(p.Payload)
	delete(published, correctionKey)
	have, err1 := subset(stored)
	want, err2 := subset(published)
	if err1 != nil || err2 != nil {
		return "公示内容无法解析", nil
	}
	if have != want {
		return fmt.Sprintf("检查结果（编号 %d）的结论、事项、检查方式或后续处置已被改动", r.ID), nil
	}
	return "", nil
}
