package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"outreach/internal/outreach"
)

// material is an entry of the demo catalogue with how it was sent out.
type material struct {
	typ, title, agency, task string
	year                     int
	copies                   int64
	// published is when it was printed; the sendings (one per district)
	// fall between sendFrom and sendTo.
	published, sendFrom, sendTo string
	// coverage is the share of a district's communes sent the material;
	// districts, when set, get it all and the others coverage.
	coverage  float64
	districts []string
	// per is the copies each commune gets.
	per [2]int
}

var catalogue = []material{
	{typ: "guidance", agency: "bk-stp", task: "V.4.2", year: 2017, copies: 1500,
		title:     "Tài liệu hướng dẫn thực hiện chính sách, pháp luật về phòng, chống mua bán người",
		published: "2017-10-20", sendFrom: "2017-11-06", sendTo: "2018-03-20", coverage: 1, per: [2]int{6, 12}},
	{typ: "behaviour_change", agency: "bk-stttt", task: "V.1.5", year: 2018, copies: 1200,
		title:     "Tài liệu truyền thông thay đổi hành vi về phòng, chống mua bán người dành cho cấp xã",
		published: "2018-03-15", sendFrom: "2018-04-02", sendTo: "2018-08-31", coverage: 1, per: [2]int{5, 9}},
	{typ: "leaflet", agency: "bk-stp", task: "V.4.2", year: 2018, copies: 25000,
		title:     "Tờ gấp “Nhận diện thủ đoạn lừa đảo, mua bán người qua biên giới”",
		published: "2018-04-20", sendFrom: "2018-05-07", sendTo: "2018-10-31", coverage: 1, per: [2]int{100, 180}},
	{typ: "booklet", agency: "bk-stp", task: "V.4.2", year: 2018, copies: 3000,
		title:     "Sổ tay hỏi – đáp pháp luật về phòng, chống mua bán người",
		published: "2018-08-10", sendFrom: "2018-09-03", sendTo: "2018-11-30", coverage: 0.6, per: [2]int{15, 30}},
	{typ: "cd", agency: "bk-stttt", task: "V.1.5", year: 2018, copies: 600,
		title:     "Đĩa CD tuyên truyền phòng, chống mua bán người bằng tiếng Việt, Tày, Dao, Mông",
		published: "2018-05-25", sendFrom: "2018-06-11", sendTo: "2018-09-28", coverage: 0.75, per: [2]int{2, 4}},
	{typ: "behaviour_change", agency: "bk-hlhpn", year: 2019, copies: 2000,
		title:     "Tài liệu truyền thông thay đổi hành vi cho phụ nữ và trẻ em gái vùng có nguy cơ cao",
		published: "2019-02-25", sendFrom: "2019-03-11", sendTo: "2019-06-28", coverage: 0.4, districts: []string{"060", "061", "062", "066"}, per: [2]int{10, 20}},
	{typ: "poster", agency: "bk-svhttdl", year: 2019, copies: 1500,
		title:     "Áp phích “Hãy gọi 18001567 khi cần tư vấn, hỗ trợ về mua bán người”",
		published: "2019-06-14", sendFrom: "2019-06-24", sendTo: "2019-07-19", coverage: 0.5, per: [2]int{5, 10}},
	{typ: "guidance", agency: "bk-stp", task: "V.4.2", year: 2020, copies: 1300,
		title:     "Tài liệu hướng dẫn thực hiện chính sách, pháp luật về phòng, chống mua bán người (cập nhật năm 2020)",
		published: "2020-02-20", sendFrom: "2020-03-02", sendTo: "2020-08-28", coverage: 1, per: [2]int{6, 10}},
	{typ: "leaflet", agency: "bk-ca", year: 2020, copies: 15000,
		title:     "Tờ rơi “Cảnh giác với thủ đoạn mua bán người qua mạng xã hội”",
		published: "2020-05-22", sendFrom: "2020-06-08", sendTo: "2020-10-30", coverage: 0.6, districts: []string{"060", "061", "062", "066"}, per: [2]int{100, 150}},
}

// catalogued is a material to save, with the id it gets.
type catalogued struct {
	outreach.Material
	m material
}

// catalogueMaterials makes the plan's materials of a catalogue, marked
// demo, their notes saying when they were printed, then note.
func catalogueMaterials(plan string, cat []material, note string) []catalogued {
	out := make([]catalogued, len(cat))
	for i, m := range cat {
		out[i] = catalogued{m: m, Material: outreach.Material{Plan: plan, Type: m.typ, Title: m.title, Agency: m.agency,
			Year: m.year, Copies: m.copies, Demo: true,
			Notes: fmt.Sprintf("In xong ngày %s.", fmtDate(m.published)) + note}}
	}
	return out
}

// sending is a distribution with the index of its material.
type sending struct {
	outreach.Distribution
	mat int
}

// Communes' confirmation habits. About four in five communes received and
// deployed the guidance and behaviour-change materials by the end of 2018
// (target 75 %); the others were late (received, deployed only in 2019, or
// never confirmed the 2018 sendings). A few remote communes never deployed
// anything, which keeps 2020 just short of every commune.
type habits struct {
	laggard map[string]bool // 2020 codes (unchanged since 2017) that never deploy
	late    map[int64]bool  // 2017 versions that deployed nothing before 2019
}

func (w *world) habits() habits {
	h := habits{laggard: map[string]bool{}, late: map[int64]bool{}}
	in17 := map[int64]bool{}
	for _, u := range w.c17 {
		in17[u.ID] = true
	}
	var stable []outreach.Unit
	for _, u := range w.c20 {
		if in17[u.ID] && u.ParentCode != "058" {
			stable = append(stable, u)
		}
	}
	nLag := w.intn(2, 4)
	ws := make([]float64, len(stable))
	for i, u := range stable {
		ws[i] = riskOf(u.ParentCode)
	}
	for len(h.laggard) < nLag {
		i := w.weighted(ws)
		ws[i] = 0
		h.laggard[stable[i].Code] = true
		h.late[stable[i].ID] = true
	}
	compliant := w.intn(97, 103) // of 122 by the end of 2018
	ws = make([]float64, len(w.c17))
	for i, u := range w.c17 {
		if !h.late[u.ID] {
			ws[i] = 0.5 + riskOf(u.ParentCode)/5
		}
	}
	for len(h.late) < len(w.c17)-compliant {
		i := w.weighted(ws)
		ws[i] = 0
		h.late[w.c17[i].ID] = true
	}
	return h
}

func (w *world) how() []string {
	var hs []string
	if w.chance(0.8) {
		hs = append(hs, "village_meeting")
	}
	if w.chance(0.25) {
		hs = append(hs, "loudspeaker")
	}
	if w.chance(0.1) || len(hs) == 0 {
		hs = append(hs, "house_to_house")
	}
	return hs
}

// confirm fills a delivery's confirmation as the commune's habits say.
func (w *world) confirm(h habits, u outreach.Unit, m material, sent string, x *outreach.Delivery) {
	key := m.typ == "guidance" || m.typ == "behaviour_change"
	received := addDays(sent, w.intn(3, 20))
	switch {
	case h.laggard[u.Code]:
		// Never deployed: sometimes confirmed receipt, often nothing.
		if w.chance(0.4) {
			x.ReceivedOn = received
		}
		return
	case h.late[u.ID] && sent < "2019-01-01":
		// Late: received (or not confirmed at all) and deployed only
		// in 2019.
		if w.chance(0.25) {
			return
		}
		x.ReceivedOn = received
		if w.chance(0.15) {
			return
		}
		x.DeployedOn = addDays("2019-01-07", w.intn(0, 120))
		x.How = w.how()
		return
	}
	if !key {
		// Leaflets, booklets, CDs, posters: mostly confirmed.
		switch r := w.r.Float64(); {
		case r < 0.05:
			return
		case r < 0.10:
			x.ReceivedOn = received
			return
		}
	}
	x.ReceivedOn = received
	wait := w.intn(5, 60)
	if m.typ == "guidance" && m.year == 2017 && w.chance(0.1) {
		wait = w.intn(60, 150) // received, left on a shelf for months
	}
	x.DeployedOn = addDays(received, wait)
	x.How = w.how()
}

// distributions sends each material to the communes, one sending per
// district, and confirms the deliveries.
func (w *world) distributions(mats []catalogued) []sending {
	h := w.habits()
	var out []sending
	for i, cm := range mats {
		m := cm.m
		for _, d := range w.districts {
			sent := w.sendDate(m)
			share := m.coverage
			if len(m.districts) > 0 && slices.Contains(m.districts, d.Code) {
				share = 1
			}
			var us []outreach.Unit
			for _, u := range w.districtCommunes(d.Code, sent) {
				if share >= 1 || w.chance(share) {
					us = append(us, u)
				}
			}
			if len(us) == 0 {
				continue
			}
			s := sending{mat: i, Distribution: outreach.Distribution{Plan: PlanCode, FromAgency: m.agency, Date: sent, Demo: true,
				Notes: fmt.Sprintf("Gửi các xã, phường, thị trấn %s qua %s.", place(d), via(m.agency, d))}}
			for _, u := range us {
				x := outreach.Delivery{Unit: u.Code, Quantity: int64(w.intn(m.per[0], m.per[1]))}
				w.confirm(h, u, m, sent, &x)
				s.Deliveries = append(s.Deliveries, x)
			}
			out = append(out, s)
		}
	}
	return out
}

// sendDate draws the day a sending of the material leaves: a day between
// its sendFrom and sendTo, moved to a working day of the two after.
func (w *world) sendDate(m material) string {
	span := int(parseDate(m.sendTo).Sub(parseDate(m.sendFrom)).Hours() / 24)
	sent := addDays(m.sendFrom, w.intn(0, span))
	t := parseDate(sent)
	return w.dayIn(t.Year(), int(t.Month()), t.Day(), t.Day()+2, true)
}

func via(agency string, d outreach.Unit) string {
	switch agency {
	case "bk-stp":
		return "Phòng Tư pháp " + place(d)
	case "bk-stttt":
		return "Phòng Văn hóa và Thông tin " + place(d)
	case "bk-hlhpn":
		return "Hội Liên hiệp phụ nữ " + place(d)
	case "bk-ca":
		return "Công an " + place(d)
	}
	return "Đội Thông tin lưu động " + place(d)
}

// keyArea is a commune marked as a key area for a year.
type keyArea struct {
	unit    string
	year    int
	reasons []string
	note    string
}

var riskNotes = []string{
	"Nhiều lao động tự do sang Trung Quốc làm thuê theo mùa vụ",
	"Địa bàn vùng sâu, vùng xa, đi lại khó khăn",
	"Nhiều phụ nữ trong độ tuổi lao động đi làm ăn xa",
	"Có người xuất cảnh trái phép sang Trung Quốc chưa trở về",
	"Giáp ranh tỉnh Cao Bằng, có nhiều đường mòn, lối mở",
}

// keyAreas marks 12–18 communes a year, mostly in the districts whose
// people go to work in China; most stay marked from one year to the next.
func (w *world) keyAreas() []keyArea {
	var out []keyArea
	weight := func(u outreach.Unit) float64 { return math.Pow(riskOf(u.ParentCode), 1.5) }
	choose := func(pool []outreach.Unit, keep []outreach.Unit, n int) []outreach.Unit {
		chosen := map[string]bool{}
		for _, u := range keep {
			chosen[u.Code] = true
		}
		ws := make([]float64, len(pool))
		for i, u := range pool {
			if !chosen[u.Code] {
				ws[i] = weight(u)
			}
		}
		for len(chosen) < n {
			i := w.weighted(ws)
			ws[i] = 0
			chosen[pool[i].Code] = true
		}
		var us []outreach.Unit
		for _, u := range pool {
			if chosen[u.Code] {
				us = append(us, u)
			}
		}
		return us
	}
	var prev []outreach.Unit
	for _, y := range []int{2018, 2019, 2020} {
		pool := w.c17
		if y == 2020 {
			pool = w.c20
		}
		var keep []outreach.Unit
		for _, u := range prev {
			if y == 2020 {
				u = w.successor(u)
			}
			if w.chance(0.8) && !slices.ContainsFunc(keep, func(k outreach.Unit) bool { return k.Code == u.Code }) {
				keep = append(keep, u)
			}
		}
		lo, hi := 12, 15
		if y == 2019 {
			lo, hi = 13, 17
		} else if y == 2020 {
			lo, hi = 14, 18
		}
		n := max(w.intn(lo, hi), len(keep))
		cur := choose(pool, keep, n)
		for _, u := range cur {
			k := keyArea{unit: u.Code, year: y}
			notes := []string{pick(w, riskNotes)}
			switch x := w.r.Float64(); {
			case x < 0.6:
				k.reasons = []string{outreach.ReasonHighRisk}
			case x < 0.8:
				k.reasons = []string{outreach.ReasonCasesOccurred, outreach.ReasonHighRisk}
				notes = append(notes, fmt.Sprintf("năm %d xảy ra 01 vụ mua bán người", y))
			default:
				k.reasons = []string{outreach.ReasonVictimsReturned, outreach.ReasonHighRisk}
				notes = append(notes, fmt.Sprintf("năm %d có %s nạn nhân bị mua bán trở về", y, ordinal(w.intn(1, 3))))
			}
			k.note = strings.Join(notes, "; ") + "."
			out = append(out, k)
		}
		prev = cur
	}
	return out
}

// successor is the 2020 commune a 2017 commune became (itself when it
// did not change).
func (w *world) successor(u outreach.Unit) outreach.Unit {
	if s, ok := w.succ[u.ID]; ok {
		return s
	}
	return u
}

// models sets up in-depth prevention models in about 40 % of 2020's key
// communes (target: at least 30 %), and two more that stopped.
func (w *world) models(keys []keyArea) []outreach.PreventionModel {
	in17 := map[string]bool{}
	for _, u := range w.c17 {
		in17[u.Code+"@"+fmt.Sprint(u.ID)] = true
	}
	unit20 := map[string]outreach.Unit{}
	for _, u := range w.c20 {
		unit20[u.Code] = u
	}
	stable := func(u outreach.Unit) bool { return in17[u.Code+"@"+fmt.Sprint(u.ID)] }
	var k20, kOld []outreach.Unit
	for _, k := range keys {
		if k.year == 2020 {
			k20 = append(k20, unit20[k.unit])
		}
	}
	for _, k := range keys {
		if k.year < 2020 {
			if u, ok := unit20[k.unit]; ok && stable(u) && !slices.ContainsFunc(k20, func(x outreach.Unit) bool { return x.Code == u.Code }) &&
				!slices.ContainsFunc(kOld, func(x outreach.Unit) bool { return x.Code == u.Code }) {
				kOld = append(kOld, u)
			}
		}
	}
	nActive := int(math.Round(0.4 * float64(len(k20))))
	order := w.r.Perm(len(k20))[:nActive]
	slices.Sort(order)
	var out []outreach.PreventionModel
	for _, i := range order {
		u := k20[i]
		est := w.dayIn(w.intn(2018, 2020), w.intn(3, 10), 1, 28, true)
		if !stable(u) && est < "2020-03-01" || est > "2020-10-31" {
			est = w.dayIn(2020, w.intn(3, 10), 1, 28, true)
		}
		out = append(out, w.model(u, est))
	}
	// One model stopped meeting, another was wound up.
	for i, u := range kOld {
		if i == 2 {
			break
		}
		m := w.model(u, w.dayIn(2018, w.intn(4, 9), 1, 28, true))
		if i == 0 {
			m.Statuses = []outreach.ModelStatus{{Since: w.dayIn(2019, w.intn(6, 10), 1, 28, false), Status: outreach.ModelInactive}}
			m.Description += " Tạm ngừng sinh hoạt do cán bộ phụ trách chuyển công tác."
		} else {
			m.Statuses = []outreach.ModelStatus{{Since: w.dayIn(2019, w.intn(3, 8), 1, 28, false), Status: outreach.ModelInactive},
				{Since: w.dayIn(2020, w.intn(6, 11), 1, 28, false), Status: outreach.ModelClosed}}
			m.Description += " Ngừng hoạt động, giải thể do không bố trí được kinh phí duy trì."
		}
		out = append(out, m)
	}
	return out
}

func (w *world) model(u outreach.Unit, est string) outreach.PreventionModel {
	d := w.district(u.ParentCode)
	m := outreach.PreventionModel{Plan: PlanCode, Unit: u.Code, EstablishedOn: est, Demo: true}
	switch x := w.r.Float64(); {
	case x < 0.4:
		m.Agency = "bk-hlhpn"
		m.Name = pick(w, []string{"Mô hình “Phụ nữ với pháp luật phòng, chống mua bán người” ", "Câu lạc bộ “Phụ nữ tự bảo vệ trước nguy cơ bị mua bán” "}) + place(u)
		m.Description = "Sinh hoạt hằng tháng tại nhà văn hóa thôn; hội viên nắm danh sách phụ nữ đi làm ăn xa và giữ liên lạc với gia đình."
	case x < 0.7:
		m.Agency = "bk-ca"
		m.Name = pick(w, []string{"Mô hình “Tổ liên gia an toàn phòng, chống mua bán người” ", "Mô hình “Địa chỉ tin cậy phòng, chống mua bán người” "}) + place(u)
		m.Description = "Công an xã phối hợp trưởng thôn nắm tình hình người xuất cảnh, tiếp nhận tin báo, hỗ trợ nạn nhân trở về."
	default:
		m.Agency = "bk-ubnd-" + d.Code
		m.Name = "Mô hình “Thôn, bản không có người xuất cảnh trái phép” " + place(u)
		m.Description = "UBND xã chỉ đạo, các thôn đưa nội dung phòng, chống mua bán người vào hương ước, quy ước."
	}
	return m
}

// budgetLine is an agency's ngan-sach estimate for a year.
type budgetLine struct {
	agency string
	year   int
	amount int64
}

// budget estimates, for each agency and year, 85–115 % of what its
// activities spent from the state budget, in whole millions (finer for
// small sums).
func (w *world) budget(acts []outreach.Activity) []budgetLine {
	var out []budgetLine
	for _, ag := range w.agencies {
		for _, y := range years {
			var spent int64
			for _, a := range acts {
				if a.Agency == ag.Code && a.FundingSource == "ngan-sach" && a.StartDate[:4] == fmt.Sprint(y) {
					spent += a.Cost
				}
			}
			if spent == 0 {
				continue
			}
			step := 1e6
			switch {
			case spent < 2_000_000:
				step = 1e4
			case spent < 20_000_000:
				step = 1e5
			}
			est := int64(math.Round(float64(spent)*w.between(0.85, 1.15)/step) * step)
			out = append(out, budgetLine{agency: ag.Code, year: y, amount: max(est, int64(step))})
		}
	}
	return out
}
