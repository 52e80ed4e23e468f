package document

import (
	"fmt"
	"testing"
	"time"
)

// sample is a report long enough to run over two pages, with every kind
// of block, used by each writer's tests.
func sample() *Document {
	byChannel := &Table{
		Name: "Hoạt động theo hình thức",
		Columns: []Column{
			{Header: "TT", Width: 0.5},
			{Header: "Hình thức", Width: 4},
			{Header: "Số hoạt động", Numeric: true, Sum: true, Width: 1.2},
			{Header: "Kinh phí (đồng)", Numeric: true, Sum: true, Width: 1.6},
		},
		Total: true,
	}
	for i, name := range []string{"Truyền thông trên báo chí", "Hội nghị, tọa đàm", "Tài liệu, tờ gấp", "Loa truyền thanh cơ sở", "Thi tìm hiểu"} {
		byChannel.Rows = append(byChannel.Rows, []Cell{Int(int64(i + 1)), Text(name), Int(int64(10 * (i + 1))), Int(int64(1250000 * (i + 1)))})
	}
	targets := &Table{
		Name: "Chỉ tiêu của Kế hoạch",
		Columns: []Column{
			{Header: "Chỉ tiêu", Width: 4},
			{Header: "Kết quả", Numeric: true, Width: 1},
			{Header: "Mốc", Width: 1},
			{Header: "Đánh giá", Width: 1.2},
		},
		Rows: [][]Cell{
			{Text("Tỷ lệ xã được cung cấp tài liệu"), Num(81.48, 1), Text("≥ 75 %"), Text("Đạt")},
			{Text("Tỷ lệ xã trọng điểm có mô hình"), Text("không áp dụng"), Text("≥ 30 %"), Text("—")},
		},
	}
	var body []Block
	for i := 0; i < 9; i++ {
		body = append(body, Block{Text: fmt.Sprintf("Đoạn %d. Thực hiện Quyết định số 1368/QĐ-UBND ngày 08/9/2017 của Ủy ban nhân dân tỉnh Bắc Kạn, đơn vị đã tổ chức tuyên truyền, phổ biến giáo dục pháp luật về phòng, chống mua bán người bằng nhiều hình thức phù hợp với từng đối tượng, địa bàn; chú trọng vùng sâu, vùng xa, vùng đồng bào dân tộc thiểu số.", i+1)})
	}
	return &Document{
		Parent:  "UBND TỈNH BẮC KẠN",
		Agency:  "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
		Number:  "Số: …/BC-STTTT",
		Place:   "Bắc Kạn",
		Date:    time.Date(2019, 12, 18, 0, 0, 0, 0, time.UTC),
		Kind:    "BÁO CÁO",
		Summary: "Kết quả tuyên truyền, phổ biến giáo dục pháp luật về phòng, chống mua bán người năm 2019",
		Sections: []Section{
			{Heading: "I. KẾT QUẢ THỰC HIỆN", Blocks: append(append([]Block{{Subheading: "1. Hoạt động theo hình thức"}, {Table: byChannel}}, body...), Block{Text: "- Số xã được tiếp cận: 95 xã;"}, Block{Text: "+ Trong đó xã trọng điểm: 12 xã."})},
			{Heading: "II. CHỈ TIÊU", Blocks: []Block{{Table: targets}}},
			{Heading: "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", Blocks: []Block{{Text: "Một số xã vùng cao chưa triển khai tài liệu đến thôn, bản."}}},
			{Heading: "IV. ĐỀ XUẤT, KIẾN NGHỊ", Blocks: []Block{{Text: "Đề nghị bố trí kinh phí in tờ gấp song ngữ Việt – Mông, Việt – Dao."}}},
		},
		SignerTitle: []string{"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"},
		SignerName:  "Nguyễn Văn Đức",
		Recipients:  []string{"- UBND tỉnh (b/c);", "- Công an tỉnh;", "- Lưu: VT, TTBCXB."},
		Title:       "Báo cáo năm 2019",
		Created:     time.Date(2019, 12, 18, 9, 30, 0, 0, time.UTC),
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{{0, 0, "0"}, {999, 0, "999"}, {1234, 0, "1.234"}, {1234567, 0, "1.234.567"}, {12.5, 1, "12,5"}, {-1234.25, 2, "-1.234,25"}, {81.476, 1, "81,5"}} {
		if got := FormatNumber(c.v, c.d); got != c.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
}

func TestDateLine(t *testing.T) {
	d := sample()
	if got := d.DateLine(); got != "Bắc Kạn, ngày 18 tháng 12 năm 2019" {
		t.Errorf("DateLine = %q", got)
	}
	d.Date = time.Date(2020, 2, 5, 0, 0, 0, 0, time.UTC)
	if got := d.DateLine(); got != "Bắc Kạn, ngày 05 tháng 02 năm 2020" {
		t.Errorf("DateLine = %q", got)
	}
	d.Date = time.Time{}
	if got := d.DateLine(); got != "Bắc Kạn, ngày … tháng … năm …" {
		t.Errorf("DateLine = %q", got)
	}
}

func TestTotals(t *testing.T) {
	tb := sample().Sections[0].Blocks[1].Table
	sums, ok := tb.Totals()
	if ok[0] || ok[1] || !ok[2] || !ok[3] || sums[2] != 150 || sums[3] != 18750000 {
		t.Errorf("Totals = %v %v", sums, ok)
	}
}
