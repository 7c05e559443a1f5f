#!/bin/sh
# Refreshes examples/proposals/2026-union/ from contracts/: copies the three modules
# again and redoes the proposal's three edits (see that directory's README.md).
set -eu
cd "$(dirname "$0")/.."
dir=examples/proposals/2026-union
sed -e 's/within thirty-five (35) working days following the date on which the Judge or AALJ knew/within forty-five (45) working days following the date on which the Judge or AALJ knew/' \
    -e 's/otherwise                 => grievance.knew_on + 35 workdays/otherwise                 => grievance.knew_on + 45 workdays/' \
    contracts/grievance.cba > "$dir/grievance.cba"
sed -e 's/rule monthly_days: int  §5.C "up to eight (8) calendar days of their own choosing per month"/rule monthly_days: int  §5.C "up to ten (10) calendar days of their own choosing per month"/' \
    -e '/^rule monthly_days/{n;s/  = 8$/  = 10/;}' \
    contracts/telework.cba > "$dir/telework.cba"
sed -e 's/carry over from one (1) pay period to the next is twenty-four (24)"/carry over from one (1) pay period to the next is thirty-two (32)"/' \
    -e '/^rule carryover_cap/{n;s/  = 24 h$/  = 32 h/;}' \
    contracts/credit.cba > "$dir/credit.cba"
for f in grievance telework credit; do
  if [ "$(diff contracts/$f.cba "$dir/$f.cba" | grep -c '^>')" -ne 2 ]; then
    echo "refresh-2026-union: the edit of $f.cba did not apply" >&2
    exit 1
  fi
done
