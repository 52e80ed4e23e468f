-- Model types: a plan may distinguish types of prevention model (mô hình
-- chuyên sâu, mô hình lồng ghép…) in its vocabulary; a model records the
-- code of its type, '' when its plan distinguishes none.

ALTER TABLE prevention_models ADD COLUMN model_type TEXT NOT NULL DEFAULT '';
