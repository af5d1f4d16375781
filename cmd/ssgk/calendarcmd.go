package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/viewer"
)

// cmdCalendar: ssgk calendar load FILE | list | deadline DATE
func cmdCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	var cfg config
	fs := flag.NewFlagSet("calendar "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	rest := args[1:]
	var operand string
	if args[0] == "load" || args[0] == "deadline" {
		if len(rest) < 1 {
			return apperr.New(apperr.Invalid, "用法：ssgk calendar %s %s", args[0], map[string]string{"load": "文件", "deadline": "检查结束日期（YYYY-MM-DD）"}[args[0]])
		}
		operand, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	db, _, err := openHub(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk calendar "+args[0]))
	switch args[0] {
	case "load":
		f, err := os.Open(operand)
		if err != nil {
			return apperr.Wrap(err, apperr.NotFound, "无法读取文件 %s", operand)
		}
		defer f.Close()
		y, _, err := calendarstore.Load(ctx, db.Client, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已载入：%s\n", y.Summary())
	case "list":
		cal, err := calendarstore.Calendar(ctx, db.Client)
		if err != nil {
			return err
		}
		for _, y := range cal.Years() {
			src, _ := cal.Source(y)
			fmt.Fprintf(stdout, "%d 年  依据：%s\n", y, src)
		}
	case "deadline":
		end, err := calendar.ParseDate(operand)
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
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("未知的日历命令：%s", args[0])
	}
	return nil
}
