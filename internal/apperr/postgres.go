package apperr

import (
	"errors"

	"github.com/lib/pq"
)

// PostgreSQL SQLSTATE codes (Appendix A of the PostgreSQL manual).
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
)

func pgCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}

func isUniqueViolation(err error) bool {
	return pgCode(err) == pgUniqueViolation || sqliteUnique(err)
}

func isForeignKeyViolation(err error) bool {
	return pgCode(err) == pgForeignKeyViolation || sqliteForeignKey(err)
}
