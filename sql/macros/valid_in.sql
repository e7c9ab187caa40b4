-- Grain: a scalar macro.
-- The validity rule, the one place it is written in SQL (etl/reference.py row_valid_in is its
-- Python twin): a unit's row (valid_from / valid_to, inclusive, NULL = open) is valid in a month
-- (`period`, first of month) when it is valid on the month's last day.
create or replace macro valid_in(valid_from, valid_to, period) as
    (valid_from is null or valid_from <= last_day(period))
    and (valid_to is null or valid_to >= last_day(period));

-- Whether the unit `code` has a validity row valid in at least one month from `first` to `last`
-- (firsts of months): for the lists of units a page or report shows over a range of months.
create or replace macro unit_valid_between(code, first, last) as exists (
    select 1
    from dim_unit as v
    where v.unit_code = code
      and last_day(greatest(coalesce(v.valid_from, first), first)) <= last_day(last)
      and (v.valid_to is null or v.valid_to >= last_day(greatest(coalesce(v.valid_from, first), first)))
)
