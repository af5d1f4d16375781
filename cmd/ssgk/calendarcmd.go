package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/viewer"
)

// openCalendar opens the hub for ssgk calendar SUB.
func openCalendar(ctx context.Context, cfg *config, sub string) (*hub.Hub, context.Context, error) {
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return nil, nil, err
	}
	return db, viewer.NewContext(db.Context(ctx), viewer.NewSystem("ssgk calendar "+sub)), nil
}

// runCalendarLoad: ssgk calendar load FILE — a year of the official holiday arrangement.
func runCalendarLoad(ctx context.Context, cfg *config, file string, stdout io.Writer) error {
	db, ctx, err := openCalendar(ctx, cfg, "load")
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.Open(file)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取文件 %s", file)
	}
	defer f.Close()
	y, _, err := calendarstore.Load(ctx, db.Client, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已载入：%s\n", y.Summary())
	return nil
}

// runCalendarList: ssgk calendar list — the years known and their sources.
func runCalendarList(ctx context.Context, cfg *config, stdout io.Writer) error {
	db, ctx, err := openCalendar(ctx, cfg, "list")
	if err != nil {
		return err
	}
	defer db.Close()
	cal, err := calendarstore.Calendar(ctx, db.Client)
	if err != nil {
		return err
	}
	for _, y := range cal.Years() {
		src, _ := cal.Source(y)
		fmt.Fprintf(stdout, "%d 年  依据：%s\n", y, src)
	}
	return nil
}

// runCalendarDeadline: ssgk calendar deadline DATE — the publication deadline of an
// inspection that ended on DATE.
func runCalendarDeadline(ctx context.Context, cfg *config, date string, stdout io.Writer) error {
	db, ctx, err := openCalendar(ctx, cfg, "deadline")
	if err != nil {
		return err
	}
	defer db.Close()
	end, err := calendar.ParseDate(date)
	if err != nil {
		return err
	}
	cal, err := calendarstore.Calendar(ctx, db.Client)
	if err != nil {
		return err
	}
	d, err := cal.Deadline(end)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "检查结束于 %s，公示截止日期为 %s（%d 个工作日，检查结束当日不计）\n",
		end.Format("2006-01-02"), d.Format("2006-01-02"), calendar.PublicationWorkingDays)
	return nil
}
