"""Watch: spikes in volume and in negative sentiment, as alerts that reach people
(:mod:`.spikes`: hourly series and the detector; :mod:`.alerts`: alerts stored,
deduplicated, acknowledged, resolved, replayed over history)."""
