// Package exchange turns activity and distribution files into records for
// the store, and records back into files.
//
// # Files
//
// Both kinds of file are spreadsheets, CSV (UTF-8, with or without a byte
// order mark; comma, semicolon or tab) or XLSX (the first visible sheet),
// with the same columns: a header row of plain Vietnamese titles, then one
// record per row. Headers are matched ignoring case, diacritics and extra
// spaces ("Ngay bat dau" is "Ngày bắt đầu"), columns may come in any order,
// optional columns may be left out, and a column the format does not know
// is an error naming it, so that a misspelt header never drops data
// silently.
//
// An activity file (ActivityHeaders lists the columns) has one activity per
// row: the agency, task, channel, themes and funding source as the plan's
// codes or names, dates as dd/mm/yyyy or yyyy-mm-dd, places as unit codes
// or names ("Xã Cao Trĩ", "cao tri") resolved as of the activity's dates,
// or "Toàn tỉnh", one column per quantity kind, the audience (an empty cell
// is unknown) with one optional column per population group of the plan's
// own that activities record (titled with the group's name), the cost in
// đồng with Vietnamese separators ("1.234.567"), links and notes.
//
// A distribution file (DistributionHeaders) has one commune per row; the
// rows that share the material, the sending agency and the date form one
// distribution.
//
// # Use
//
// The CLI (outreach import/export/template), the web upload (upload →
// preview → confirm) and exports all go through this package:
//
//	r, _ := exchange.NewResolver(ctx, s, "bk-1368-2017")
//	t, _ := tabular.Read(name, file)
//	rows, problems := exchange.ParseActivities(t, name, r, "")
//	// show problems, or a preview of rows; on confirmation:
//	_, err := s.ImportActivities(ctx, actor, r.Plan.Code, store.ImportFile{…}, rows)
//	err = r.TranslateActivityError(err, rows) // Vietnamese, with column titles
//
// Every problem has Position "file:LINE", Field set to the column's title
// and a Vietnamese Message naming the column, the value and the reason.
// ParseActivities checks everything the store would except the actor's
// rights, so a file that parses cleanly normally imports; problems the
// store still finds come back in English with codes, and Translate (or
// TranslateActivityError) words them in Vietnamese with the column title.
//
// ExportActivities and ExportDistributions write the same columns (codes
// for references, dates as dd/mm/yyyy), so that an exported file parses
// back to the same records; ActivityTemplate and DistributionTemplate write
// an empty file to fill in, with an example row and, in XLSX, drop-down
// lists and an instructions sheet ("Hướng dẫn").
package exchange
