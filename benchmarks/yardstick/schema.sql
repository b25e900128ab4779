-- The yardsticks' one table: seed 004's transaction, keyed by the sender's id.
CREATE TABLE IF NOT EXISTS yardstick_transaction (
    transaction_id varchar(255) PRIMARY KEY,
    source_account varchar(255) NOT NULL,
    destination_account varchar(255) NOT NULL,
    amount numeric(32, 8) NOT NULL,
    currency char(3) NOT NULL,
    status varchar(16) NOT NULL DEFAULT 'PROCESSING',
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
