package tabular

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
)

// benchRows is the size of the activity-like files the read benchmarks use.
const benchRows = 100_000

// activityColumns are the columns of an activity import file.
var activityColumns = []Column{
	{Header: "Cơ quan"}, {Header: "Nhiệm vụ"}, {Header: "Hình thức"}, {Header: "Nội dung"},
	{Header: "Tên hoạt động"}, {Header: "Mô tả"}, {Header: "Ngày bắt đầu", Date: true},
	{Header: "Ngày kết thúc", Date: true}, {Header: "Địa bàn"}, {Header: "Số buổi", Number: true},
	{Header: "Tổng số người", Number: true}, {Header: "Nữ", Number: true}, {Header: "Nam", Number: true},
	{Header: "Trẻ em 14-16", Number: true}, {Header: "Người dân tộc thiểu số", Number: true},
	{Header: "Kinh phí (đồng)", Number: true}, {Header: "Nguồn kinh phí"}, {Header: "Đường dẫn"},
	{Header: "Ghi chú"},
}

// activityRows returns n rows of varied activity-like cells.
func activityRows(n int) [][]string {
	agencies := []string{"bk-ca", "bk-hlhpn", "bk-stttt", "bk-sgddt", "bk-stp"}
	channels := []string{"IV.1", "IV.2", "IV.3", "IV.4", "IV.5", "IV.6"}
	rows := make([][]string, n)
	for i := range rows {
		day := fmt.Sprintf("%02d/%02d/%d", i%28+1, i%12+1, 2017+i%4)
		rows[i] = []string{
			agencies[i%len(agencies)], fmt.Sprintf("NV-%d", i%40), channels[i%len(channels)], "III.3; III.4",
			fmt.Sprintf("Hội nghị tuyên truyền phòng, chống mua bán người số %d", i+1),
			"Tuyên truyền tại nhà văn hóa thôn, phát tờ gấp cho người dân", day, day,
			fmt.Sprintf("%05d; %05d", 1900+i%300, 1900+(i*7+3)%300), "1", fmt.Sprint(30 + i%200),
			fmt.Sprint(10 + i%20), fmt.Sprint(20 + i%180), "0", fmt.Sprint(i % 50),
			fmt.Sprint((i % 10) * 500_000), "Ngân sách tỉnh", "", "",
		}
	}
	return rows
}

var benchCSV, benchXLSX = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, activityHeader(), activityRows(benchRows)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}), sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "", activityColumns, activityRows(benchRows)); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

func activityHeader() []string {
	header := make([]string, len(activityColumns))
	for i, c := range activityColumns {
		header[i] = c.Header
	}
	return header
}

// benchRead reads data with read in a loop, reporting rows/s and the
// process's CPU time per read.
func benchRead(b *testing.B, data []byte, read func([]byte) (*Table, error)) {
	b.SetBytes(int64(len(data)))
	cpu := cpuTime()
	for b.Loop() {
		t, err := read(data)
		if err != nil || len(t.Rows) != benchRows {
			b.Fatalf("%v", err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadCSV100k reads a 100,000-row activity-like CSV file.
func BenchmarkReadCSV100k(b *testing.B) {
	benchRead(b, benchCSV(), func(data []byte) (*Table, error) { return ReadCSV(bytes.NewReader(data)) })
}

// BenchmarkReadXLSX100k reads a 100,000-row activity-like XLSX file.
func BenchmarkReadXLSX100k(b *testing.B) {
	benchRead(b, benchXLSX(), func(data []byte) (*Table, error) { return ReadXLSX(bytes.NewReader(data), "") })
}

// BenchmarkCheckXLSX100k checks the 100,000-row XLSX file before it is
// read (prepareXLSX): the part of BenchmarkReadXLSX100k the budgets add.
func BenchmarkCheckXLSX100k(b *testing.B) {
	data := benchXLSX()
	cpu := cpuTime()
	for b.Loop() {
		if _, _, err := prepareXLSX(context.Background(), data, "", DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkCSVGuard100k passes the 100,000-row CSV file through the guard
// alone: the part of BenchmarkReadCSV100k the budgets add.
func BenchmarkCSVGuard100k(b *testing.B) {
	data := benchCSV()
	b.SetBytes(int64(len(data)))
	cpu := cpuTime()
	for b.Loop() {
		g := newCSVGuard(context.Background(), bytes.NewReader(data), ',', DefaultLimits())
		if _, err := io.Copy(io.Discard, struct{ io.Reader }{g}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
