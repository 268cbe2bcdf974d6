#!/bin/sh
# tests/cli/gen_data.sh DIR - writes the CSV inputs shared by the io_*.sh
# tests into DIR, in the exact text `dccd export` writes (canonical column
# order, shortest round-trip doubles, null = empty field, empty string =
# "", rows in TS order, unique natural keys), so an import followed by an
# export must give the same bytes back:
#   ohlc.csv    3000 hourly bars from 2023-12-31 (two period files), null
#               quote_volume and trades on some rows, 17-digit doubles
#   trades.csv  2000 trades over two days, null sides, tids with commas,
#               quotes and one empty tid
#   book.csv    400 snapshots x 4 levels, null counts, both is_snapshot
dir=$1
awk 'BEGIN {
  print "TS,open,high,low,close,volume,quote_volume,trades";
  for (i = 0; i < 3000; i++) {
    ts = 1703980800 + i * 3600;
    ov = 40000 + (i % 997) * 1.37;
    o = sprintf("%.15g", ov); h = sprintf("%.15g", ov + 12.5); l = sprintf("%.15g", ov - 7.25);
    c = sprintf("%.15g", ov + 3.5);
    v = (i % 13) * 0.125; qv = v * 40000;
    qs = (i % 7 == 3) ? "" : sprintf("%.15g", qv);
    tr = (i % 11 == 5) ? "" : sprintf("%d", i % 50);
    if (i == 17) { o = "0.30000000000000004"; l = "0.1"; }
    if (i == 18) { h = "123456.78901234567"; }
    printf "%d000000000,%s,%s,%s,%s,%.15g,%s,%s\n", ts, o, h, l, c, v, qs, tr;
  }
}' > "$dir/ohlc.csv"
awk 'BEGIN {
  print "TS,price,amount,side,tid";
  for (i = 0; i < 2000; i++) {
    ts = 1709251200 + i * 86;
    frac = (i % 10) * 100000000;
    p = sprintf("%.15g", 62000 + (i % 500) * 0.01); a = (i % 9 + 1) * 0.001;
    s = (i % 5 == 0) ? "" : ((i % 2) ? "buy" : "sell");
    t = "t" i;
    if (i % 97 == 3) t = "\"a,\"\"q\"\"" i "\"";
    if (i == 10) t = "\"\"";
    if (i == 11) p = "0.30000000000000004";
    printf "%d%09d,%s,%.15g,%s,%s\n", ts, frac, p, a, s, t;
  }
}' > "$dir/trades.csv"
awk 'BEGIN {
  print "TS,side,price,amount,count,is_snapshot";
  for (i = 0; i < 400; i++) {
    ts = 1709251200 + i * 60;
    snap = (i % 10 == 0) ? "true" : "false";
    for (k = 0; k < 2; k++) {
      cnt = ((i + k) % 6 == 0) ? "" : sprintf("%d", (i + k) % 9 + 1);
      printf "%d000000000,bid,%.15g,%.15g,%s,%s\n", ts, 100 - k * 0.5 - (i % 7) * 0.25, (k + 1) * 1.5, cnt, snap;
    }
    for (k = 0; k < 2; k++) {
      cnt = ((i + k) % 5 == 0) ? "" : sprintf("%d", (i + k) % 4 + 1);
      printf "%d000000000,ask,%.15g,%.15g,%s,%s\n", ts, 100.5 + k * 0.5 + (i % 7) * 0.25, (k + 2) * 0.75, cnt, snap;
    }
  }
}' > "$dir/book.csv"
