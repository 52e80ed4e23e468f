package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

// reportFate is what happens to one agency's report in the demo.
type reportFate struct {
	agency string
	year   int
	// lateDays is 0 for a report sent before the deadline (daysEarly
	// before it), more for a late one; missing leaves it unsent (a draft
	// for some).
	daysEarly, lateDays int
	missing, draft      bool
	returned            bool
}

// reports plays the reporting regime's years 2017–2019 and 2020 as the
// demo's history: most agencies report on time, some late, a few not at
// all; the coordinator returns a few for more figures and accepts the
// rest, and issues the consolidated report. The store's clock is moved to
// each step's date, so deadlines and the audit log read as they would
// have. It draws from its own random source, so the rest of the demo is
// the same with or without it.
func reports(ctx context.Context, s *store.Store, actor outreach.Actor, p *outreach.Plan, seed int64) (n int, err error) {
	r := rand.New(rand.NewPCG(uint64(seed)^0x5bd1e995, uint64(seed)))
	hanoi, err := p.Reporting.Location()
	if err != nil {
		return 0, err
	}
	saved := s.Now
	defer func() { s.Now = saved }()
	at := func(date string, hour int) {
		d, _ := time.ParseInLocation("2006-01-02", date, hanoi)
		t := d.Add(time.Duration(hour)*time.Hour + time.Duration(r.IntN(60))*time.Minute)
		s.Now = func() time.Time { return t }
	}
	periods, err := p.ReportPeriods()
	if err != nil {
		return 0, err
	}
	for _, rp := range periods {
		var fates []reportFate
		for _, code := range p.ExpectedReporters(rp) {
			f := reportFate{agency: code, year: rp.Year}
			x := r.Float64()
			switch {
			case x < 0.72:
				f.daysEarly = 1 + r.IntN(10)
			case x < 0.88:
				f.lateDays = 1 + r.IntN(15)
			case x < 0.94:
				f.missing, f.draft = true, true
			default:
				f.missing = true
			}
			f.returned = !f.missing && r.Float64() < 0.12
			fates = append(fates, f)
		}
		for _, f := range fates {
			if f.missing && !f.draft {
				continue
			}
			at(rp.Due, -24*(f.daysEarly+3)+9)
			rep, err := s.OpenReport(ctx, actor, p.Code, f.agency, rp.Key(), outreach.ReportAgency)
			if err != nil {
				return n, fmt.Errorf("%s %d: %w", f.agency, rp.Year, err)
			}
			a, _ := p.Agency(f.agency)
			edit := store.ReportEdit{Number: fmt.Sprintf("%d/BC-%s", 10+r.IntN(190), outreach.ShortCode(a.Name)), SignerTitle: rep.SignerTitle,
				SignerName: pick2(r, signers), Narrative: narrative(r, a, rep.Figures)}
			if _, err := s.SaveReport(ctx, actor, rep.ID, edit); err != nil {
				return n, err
			}
			n++
			if f.missing {
				continue
			}
			if f.lateDays > 0 {
				at(rp.Due, 24*f.lateDays+10)
			} else {
				at(rp.Due, -24*f.daysEarly+15)
			}
			if _, err := s.ReportStep(ctx, actor, rep.ID, outreach.StepSubmit, ""); err != nil {
				return n, err
			}
			if rp.Year == p.Period.To {
				continue // the last year's reports wait for the coordinator
			}
			s.Now = shift(s.Now, 48*time.Hour)
			if f.returned {
				if _, err := s.ReportStep(ctx, actor, rep.ID, outreach.StepReturn, pick2(r, returnReasons)); err != nil {
					return n, err
				}
				s.Now = shift(s.Now, 72*time.Hour)
				if _, err := s.ReportStep(ctx, actor, rep.ID, outreach.StepSubmit, ""); err != nil {
					return n, err
				}
				s.Now = shift(s.Now, 24*time.Hour)
			}
			if _, err := s.ReportStep(ctx, actor, rep.ID, outreach.StepAccept, ""); err != nil {
				return n, err
			}
		}
		if rp.Year == p.Period.To {
			continue
		}
		at(rp.Due, 24*28+9)
		c, err := s.OpenReport(ctx, actor, p.Code, "", rp.Key(), outreach.ReportConsolidated)
		if err != nil {
			return n, err
		}
		a, _ := p.Agency(p.Reporting.Recipient)
		edit := store.ReportEdit{Number: fmt.Sprintf("%d/BC-STTTT", 300+r.IntN(90)), SignerTitle: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", SignerName: "Hoàng Văn Dương",
			Narrative: narrative(r, a, c.Figures)}
		if _, err := s.SaveReport(ctx, actor, c.ID, edit); err != nil {
			return n, err
		}
		if _, err := s.ReportStep(ctx, actor, c.ID, outreach.StepSubmit, ""); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func shift(now func() time.Time, d time.Duration) func() time.Time {
	t := now().Add(d)
	return func() time.Time { return t }
}

func pick2(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

var signers = []string{"Nguyễn Thị Hằng", "Hoàng Văn Tú", "Lục Thị Mai", "Nông Văn Chiến", "Ma Thị Lan", "Đinh Quang Tuyên", "Triệu Thị Hoa", "Lưu Văn Bình"}

var returnReasons = []string{
	"Đề nghị bổ sung số liệu theo từng xã và số lượt người là phụ nữ.",
	"Báo cáo chưa nêu tồn tại, hạn chế và nguyên nhân; đề nghị bổ sung.",
	"Số liệu kinh phí chưa khớp với dự toán được giao; đề nghị rà soát.",
}

// narrative writes a plausible report text from the figures.
func narrative(r *rand.Rand, a outreach.Agency, f *outreach.ReportFigures) outreach.Narrative {
	n := i18n.Number
	res := fmt.Sprintf("Trong kỳ báo cáo, %s đã tổ chức %s hoạt động tuyên truyền phòng, chống mua bán người, tiếp cận khoảng %s lượt người, trong đó %s lượt là phụ nữ và %s lượt là người dân tộc thiểu số.",
		a.Name, n(f.Activities), n(f.Audience.Total), n(f.Audience.Women), n(f.Audience.Ethnic))
	if f.Communes > 0 {
		res += fmt.Sprintf(" Hoạt động đã đến %d xã, phường, thị trấn, chú trọng các xã vùng sâu, vùng xa, giáp biên.", f.Communes)
	}
	if f.Materials.Distributions > 0 {
		res += fmt.Sprintf("\nĐã cấp phát %s lượt tài liệu (%s bản) cho cơ sở.", n(f.Materials.Distributions), n(f.Materials.Copies))
	}
	return outreach.Narrative{
		Results:      res,
		Shortcomings: pick2(r, []string{"Một số xã vùng cao chưa tổ chức tuyên truyền đến thôn, bản.", "Hình thức tuyên truyền ở một số nơi còn đơn điệu, chưa phù hợp với đồng bào dân tộc thiểu số.", "Việc cập nhật kết quả lên hệ thống còn chậm."}),
		Causes:       pick2(r, []string{"Kinh phí bố trí còn hạn chế; địa bàn rộng, giao thông khó khăn.", "Đội ngũ làm công tác tuyên truyền ở cơ sở kiêm nhiệm, thay đổi thường xuyên."}),
		Proposals:    pick2(r, []string{"Đề nghị bố trí kinh phí in tài liệu song ngữ Việt – Mông, Việt – Dao.", "Đề nghị tổ chức tập huấn kỹ năng truyền thông cho cán bộ cấp xã.", "Đề nghị tăng cường phối hợp giữa lực lượng Công an và Hội Liên hiệp Phụ nữ các cấp."}),
	}
}
