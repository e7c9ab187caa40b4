-- Grain: an aggregate macro, one value per group it is applied to.
-- The rate rule of the whole project: sum(numerator) / sum(denominator) over the rows where both
-- are known, never an average of rates; NULL when that sum of denominators is 0 or unknown.
create or replace macro sum_ratio(numerator, denominator) as
    sum(numerator) filter (where denominator is not null)
        / nullif(sum(denominator) filter (where numerator is not null), 0)
