"""Language analysis stages: sentences, entities, quotes, quantities and claims."""
