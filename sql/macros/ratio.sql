-- Grain: a scalar macro, one value per row it is applied to.
-- The rate of one row: numerator / denominator, NULL when the denominator is 0 or unknown.
-- Every stored rate column of a mart is ratio(counts); an aggregate rate is sum_ratio.
create or replace macro ratio(numerator, denominator) as
    case when denominator > 0 then numerator / denominator end
